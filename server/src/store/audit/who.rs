//! Who is writing: set once per request where the caller is authenticated (`web/authenticate.rs`), read by
//! every audit entry the request's writes make, so no route names the actor by hand and none can name the
//! wrong one. Outside a request (the command line, the demo seed, the server's own timers) the actor is
//! `system`.

use std::cell::RefCell;
use std::future::Future;

/// The caller as audit entries name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    /// `user:ada`, `key:line-1`, `anonymous` (before signing in) or `system`.
    pub actor: String,
    /// The organisation the caller belongs to.
    pub tenant_id: Option<String>,
}

impl Who {
    pub fn system() -> Self {
        Self { actor: "system".into(), tenant_id: None }
    }

    /// A request whose caller is not (yet) known: a sign-in attempt.
    pub fn anonymous() -> Self {
        Self { actor: "anonymous".into(), tenant_id: None }
    }
}

tokio::task_local! {
    static CALLER: RefCell<Option<Who>>;
}

/// Runs a request with room for its caller.
pub async fn scope<F: Future>(future: F) -> F::Output {
    CALLER.scope(RefCell::new(None), future).await
}

/// Names the caller of the request being served (ignored outside [`scope`]).
pub fn set(who: Who) {
    let _ = CALLER.try_with(|caller| *caller.borrow_mut() = Some(who));
}

/// The caller of the request being served (`anonymous` before it is known), or `system` outside a request.
pub fn current() -> Who {
    CALLER.try_with(|caller| caller.borrow().clone().unwrap_or_else(Who::anonymous)).unwrap_or_else(|_| Who::system())
}
