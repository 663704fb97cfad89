-- A serial's whole pool history: the ids of every pool action that touched it, space-separated. Each pool
-- operation appends its id in the same row write that changes the serial, so the history costs no extra row
-- per serial. It replaces four columns that kept only the latest action of each kind (a serial assigned,
-- released and assigned again had lost its first assignment).
ALTER TABLE pool_serials ADD COLUMN actions TEXT;
UPDATE pool_serials SET actions = TRIM(COALESCE(added_action, '') || ' ' || COALESCE(assigned_action, '') || ' '
    || COALESCE(reserved_action, '') || ' ' || COALESCE(released_action, ''))
WHERE added_action IS NOT NULL OR assigned_action IS NOT NULL OR reserved_action IS NOT NULL
    OR released_action IS NOT NULL;
ALTER TABLE pool_serials DROP COLUMN added_action;
ALTER TABLE pool_serials DROP COLUMN assigned_action;
ALTER TABLE pool_serials DROP COLUMN reserved_action;
ALTER TABLE pool_serials DROP COLUMN released_action;
