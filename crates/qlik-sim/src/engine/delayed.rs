//! Answers held back by the `delay` test control (a slow engine): each
//! leaves its delay after its request came, in order, unless the client
//! cancels the request first (`CancelRequest`).

use std::collections::VecDeque;

use serde_json::Value;
use tokio::time::Instant;

use super::rpc::{RpcError, error_frame};

/// The error a cancelled request is answered with: 15,
/// `LOCERR_GENERIC_ABORTED` (the engine schema's error codes).
const ABORTED: i64 = 15;

/// Frames waiting for their time.
#[derive(Debug, Default)]
pub(crate) struct Delayed {
    queue: VecDeque<(Instant, Vec<Value>)>,
}

impl Delayed {
    /// Nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Sends `frames` at `at` (after everything queued before them).
    pub fn push(&mut self, at: Instant, frames: Vec<Value>) {
        self.queue.push_back((at, frames));
    }

    /// When the next frames are due.
    pub fn next_due(&self) -> Option<Instant> {
        self.queue.front().map(|(at, _)| *at)
    }

    /// The frames due at `now`, in order.
    pub fn take_due(&mut self, now: Instant) -> Vec<Value> {
        let mut due = Vec::new();
        while self.queue.front().is_some_and(|(at, _)| *at <= now) {
            if let Some((_, frames)) = self.queue.pop_front() {
                due.extend(frames);
            }
        }
        due
    }

    /// `CancelRequest` of request `id`: its held answer becomes the
    /// "aborted" error. False when no answer of `id` is waiting.
    pub fn cancel(&mut self, id: &Value) -> bool {
        for (_, frames) in &mut self.queue {
            for frame in frames.iter_mut() {
                if frame.get("id") == Some(id) && frame.get("method").is_none() {
                    *frame = error_frame(Some(id), &RpcError::new(ABORTED, "Request aborted", ""));
                    return true;
                }
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use std::time::Duration;

    use super::*;

    #[test]
    fn frames_leave_in_order_when_due_and_cancelled_ones_as_aborted() {
        let start = Instant::now();
        let mut delayed = Delayed::default();
        delayed.push(
            start + Duration::from_secs(1),
            vec![json!({"id": 1, "result": {}})],
        );
        delayed.push(
            start + Duration::from_secs(2),
            vec![json!({"id": 2, "result": {}})],
        );
        assert_eq!(delayed.next_due(), Some(start + Duration::from_secs(1)));
        assert!(delayed.take_due(start).is_empty());
        assert!(delayed.cancel(&json!(2)));
        assert!(!delayed.cancel(&json!(3)));
        let first = delayed.take_due(start + Duration::from_secs(1));
        assert_eq!(first, [json!({"id": 1, "result": {}})]);
        let second = delayed.take_due(start + Duration::from_secs(5));
        assert_eq!(second[0]["error"]["code"], ABORTED);
        assert!(delayed.is_empty());
    }
}
