//! One operation's stub for unit tests (feature `server`): what the operation answers (a value,
//! a service error, or a function of the call's inputs), answers given once before the standing
//! one, and every call's inputs recorded in order.
//!
//! A generated crate's `stubs::Stubs` holds one [`Stub`] per operation and implements the
//! server stubs' `Service` with them; its client reaches them through
//! [`InProcess`](crate::transport::InProcess), so a call goes through validation, signing, the
//! router's checks and the client's error decoding exactly as against the service.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use http::StatusCode;

use crate::server::ServiceError;

type Once<I, O> = Box<dyn FnOnce(&I) -> Result<O, ServiceError> + Send>;
type Always<I, O> = Arc<dyn Fn(&I) -> Result<O, ServiceError> + Send + Sync>;

struct State<I, O> {
    once: VecDeque<Once<I, O>>,
    always: Option<Always<I, O>>,
    calls: Vec<I>,
}

/// The stubbed answers of one operation taking inputs `I` and answering `O`, and the calls it
/// received. Setting methods take `&self` and return it, so they chain and work on a shared
/// (`Arc`) stub while the code under test runs.
///
/// Each call takes the first answer queued by the `*_once` methods; when none is queued, the
/// standing answer ([`returns`](Self::returns), [`fails`](Self::fails),
/// [`answers`](Self::answers)); when there is none either, a 501 `NotStubbed` error naming the
/// operation.
pub struct Stub<I, O> {
    operation: &'static str,
    state: Mutex<State<I, O>>,
}

impl<I, O> Stub<I, O> {
    /// A stub of `operation` with no answer yet.
    pub fn new(operation: &'static str) -> Self {
        Stub {
            operation,
            state: Mutex::new(State {
                once: VecDeque::new(),
                always: None,
                calls: Vec::new(),
            }),
        }
    }

    /// The operation's name.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    fn state(&self) -> MutexGuard<'_, State<I, O>> {
        // A panic elsewhere while the lock was held (a failed assertion in an answer function)
        // leaves the state as it was; go on with it.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Answers every call with `value` (after any answers queued once).
    pub fn returns(&self, value: O) -> &Self
    where
        O: Clone + Send + Sync + 'static,
    {
        self.answers(move |_| Ok(value.clone()))
    }

    /// Fails every call with `error` (after any answers queued once): the client receives it
    /// as the service would send it (status, `error_code`, `error_msg`), so a documented status
    /// becomes its error variant.
    pub fn fails(&self, error: ServiceError) -> &Self {
        self.answers(move |_| Err(error.clone()))
    }

    /// Answers every call with what `answer` makes of its inputs (after any answers queued once).
    pub fn answers(
        &self,
        answer: impl Fn(&I) -> Result<O, ServiceError> + Send + Sync + 'static,
    ) -> &Self {
        self.state().always = Some(Arc::new(answer));
        self
    }

    /// Answers the next call not yet answered by an earlier `*_once` with `value`.
    pub fn returns_once(&self, value: O) -> &Self
    where
        O: Send + 'static,
    {
        self.state().once.push_back(Box::new(move |_| Ok(value)));
        self
    }

    /// Fails the next call not yet answered by an earlier `*_once` with `error`.
    pub fn fails_once(&self, error: ServiceError) -> &Self
    where
        O: Send + 'static,
    {
        self.state().once.push_back(Box::new(move |_| Err(error)));
        self
    }

    /// The inputs of every call so far, in order.
    pub fn calls(&self) -> Vec<I>
    where
        I: Clone,
    {
        self.state().calls.clone()
    }

    /// How many calls there were.
    pub fn call_count(&self) -> usize {
        self.state().calls.len()
    }

    /// Forgets the answers and the calls.
    pub fn reset(&self) {
        let mut state = self.state();
        state.once.clear();
        state.always = None;
        state.calls.clear();
    }

    /// Records a call and gives its answer (what the generated `Service` implementation calls).
    pub fn call(&self, input: I) -> Result<O, ServiceError> {
        let (once, always) = {
            let mut state = self.state();
            let once = state.once.pop_front();
            let always = if once.is_none() {
                state.always.clone()
            } else {
                None
            };
            (once, always)
        };
        // The answer runs outside the lock: it may look at this stub.
        let answer = match (once, always) {
            (Some(once), _) => once(&input),
            (None, Some(always)) => always(&input),
            (None, None) => Err(ServiceError::new(
                StatusCode::NOT_IMPLEMENTED,
                "NotStubbed",
                format!(
                    "{} has no stubbed answer: set one with `.{}.returns(..)`, `.fails(..)` or `.answers(..)`",
                    self.operation, self.operation
                ),
            )),
        };
        self.state().calls.push(input);
        answer
    }
}

impl<I, O> fmt::Debug for Stub<I, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("Stub")
            .field("operation", &self.operation)
            .field("queued", &state.once.len())
            .field("standing", &state.always.is_some())
            .field("calls", &state.calls.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_in_order_and_records_calls() {
        let stub: Stub<(String, u32), String> = Stub::new("show_thing");
        let err = stub.call(("a".into(), 1)).unwrap_err();
        assert_eq!(err.status, StatusCode::NOT_IMPLEMENTED);
        assert_eq!(err.error_code, "NotStubbed");
        assert!(err.error_msg.contains("show_thing"), "{err:?}");

        stub.returns("standing".into())
            .returns_once("first".into())
            .fails_once(ServiceError::new(StatusCode::NOT_FOUND, "X.404", "gone"));
        assert_eq!(stub.call(("b".into(), 2)).unwrap(), "first");
        assert_eq!(stub.call(("c".into(), 3)).unwrap_err().error_code, "X.404");
        assert_eq!(stub.call(("d".into(), 4)).unwrap(), "standing");
        assert_eq!(stub.call(("e".into(), 5)).unwrap(), "standing");
        assert_eq!(stub.call_count(), 5);
        let names: Vec<String> = stub.calls().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["a", "b", "c", "d", "e"]);

        stub.answers(|(name, n)| {
            if *n > 9 {
                Err(ServiceError::bad_request("too big"))
            } else {
                Ok(format!("{name}{n}"))
            }
        });
        assert_eq!(stub.call(("f".into(), 6)).unwrap(), "f6");
        assert_eq!(stub.call(("g".into(), 10)).unwrap_err().status, 400);
        stub.fails(ServiceError::unauthorized("no"));
        assert_eq!(stub.call(("h".into(), 7)).unwrap_err().status, 401);

        stub.reset();
        assert_eq!(stub.call_count(), 0);
        assert_eq!(
            stub.call(("i".into(), 8)).unwrap_err().error_code,
            "NotStubbed"
        );
        let shown = format!("{stub:?}");
        assert!(
            shown.contains("show_thing") && shown.contains("calls: 1"),
            "{shown}"
        );
    }

    #[test]
    fn an_answer_may_look_at_its_own_stub() {
        let stub: Arc<Stub<u32, usize>> = Arc::new(Stub::new("count"));
        let seen = Arc::clone(&stub);
        stub.answers(move |_| Ok(seen.call_count()));
        assert_eq!(stub.call(1).unwrap(), 0);
        assert_eq!(stub.call(2).unwrap(), 1);
    }
}
