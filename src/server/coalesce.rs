//! Single-job enqueues of the API, coalesced: requests that arrive while a
//! call is under way go together in the next one, one script call per queue
//! (as the worker batches its acks), so the API is not a round trip per
//! request under load, and a lone request still goes at once.

use crate::broker::{Broker, NewJob};
use crate::error::Error;
use std::collections::HashMap;
use tokio::sync::{mpsc, oneshot};

/// Most jobs sent in one round.
const MAX_BATCH: usize = 2000;

/// Why an enqueue did not go through.
#[derive(Debug, Clone)]
pub(crate) struct Failed {
    /// Redis is away or full (HTTP 503, try again), as opposed to a refusal.
    pub unavailable: bool,
    pub message: String,
}

impl From<&Error> for Failed {
    fn from(e: &Error) -> Self {
        Failed {
            unavailable: e.is_unavailable(),
            message: e.to_string(),
        }
    }
}

/// `Ok(None)`: created; `Ok(Some(id))`: a unique job's name is held by job `id`.
type Answer = Result<Option<String>, Failed>;

struct Pending {
    queue: String,
    job: NewJob,
    answer: oneshot::Sender<Answer>,
}

/// The handle requests enqueue through.
pub(crate) struct Enqueuer {
    tx: mpsc::UnboundedSender<Pending>,
}

impl Enqueuer {
    /// Starts the task that sends the coalesced calls.
    pub(crate) fn start(broker: Broker) -> Enqueuer {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(broker, rx));
        Enqueuer { tx }
    }

    /// Enqueues `job` on `queue` with whatever else is waiting.
    pub(crate) async fn enqueue(&self, queue: String, job: NewJob) -> Answer {
        let (answer, rx) = oneshot::channel();
        let gone = || Failed {
            unavailable: true,
            message: "the server is stopping".into(),
        };
        self.tx.send(Pending { queue, job, answer }).map_err(|_| gone())?;
        rx.await.map_err(|_| gone())?
    }
}

async fn run(broker: Broker, mut rx: mpsc::UnboundedReceiver<Pending>) {
    let mut batch = Vec::new();
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let mut by_queue: HashMap<String, Vec<Pending>> = HashMap::new();
        for p in batch.drain(..) {
            by_queue.entry(p.queue.clone()).or_default().push(p);
        }
        let mut calls = Vec::new();
        for (queue, items) in by_queue {
            // The queue is listed (for inspect and status) before each batch:
            // a queue that held nothing for a while may have been forgotten
            // (Broker::prune_queues).
            if let Err(e) = broker.register_queue(&queue).await {
                let failed = Failed::from(&e);
                for p in items {
                    let _ = p.answer.send(Err(failed.clone()));
                }
                continue;
            }
            calls.push(send(&broker, queue, items));
        }
        futures_util::future::join_all(calls).await;
    }
}

async fn send(broker: &Broker, queue: String, items: Vec<Pending>) {
    let (jobs, answers): (Vec<NewJob>, Vec<_>) = items.into_iter().map(|p| (p.job, (p.answer))).unzip();
    // Each request's id was made for it (to_new_job), and a call is sent once.
    match broker.enqueue_new(&broker.queue(&queue), &jobs).await {
        Ok((_, duplicates)) => {
            let held: HashMap<String, String> = duplicates.into_iter().collect();
            for (job, answer) in jobs.iter().zip(answers) {
                let _ = answer.send(Ok(held.get(&job.id).cloned()));
            }
        }
        Err(e) => {
            let failed = Failed::from(&e);
            for answer in answers {
                let _ = answer.send(Err(failed.clone()));
            }
        }
    }
}
