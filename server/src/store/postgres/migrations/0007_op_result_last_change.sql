-- What the server had when it refused an op (who changed the unit last, when, from which device), as JSON, so a
-- retried push answers the refusal exactly as the first time (SYNC.md: duplicates answered from stored results).
ALTER TABLE op_results ADD COLUMN last_change TEXT;
