//! The garbage collector: deletes dependents whose owners are gone (background), orphans
//! dependents of an owner deleted with `orphan`, and holds a `foregroundDeletion` owner until
//! its blocking dependents are gone.

use super::{Action, Controller, Work};
use crate::cluster::{remove_finalizer, Cluster, DeleteOptions, Propagation};
use crate::store::{WatchEvent, WatchEventType};

/// The garbage collector's queue: the dependents of one owner uid.
pub(crate) static CONTROLLER: Controller = Controller {
    name: "garbage-collector",
    reconcile: |c, (_, uid)| sync(c, uid),
    size: None,
};

/// Every kind's events: an owner went away, or is being deleted with a finalizer the collector
/// handles, or a dependent of a foreground-deleting owner went away.
pub(crate) fn on_any(_: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    let deleted = ev.type_ == WatchEventType::Deleted;
    let m = ev.object.meta();
    if deleted
        || (m.is_deleting()
            && m.finalizers
                .iter()
                .any(|f| f == "orphan" || f == "foregroundDeletion"))
    {
        out.push(Work::named(&CONTROLLER, &m.uid));
    }
    if deleted {
        for r in &m.owner_references {
            out.push(Work::named(&CONTROLLER, &r.uid));
        }
    }
}

pub(crate) fn sync(c: &mut Cluster, uid: &str) -> Action {
    let owner = c.store.get_by_uid(uid).cloned();
    let dependents = c.store.dependents(uid);
    // A delete that failed (a fault plan's 409, 500 or timeout) is tried again with backoff, as
    // `attemptToDeleteItem`'s error requeues the item.
    let mut failed: Option<String> = None;
    let mut note = |r: Result<_, crate::error::ApiError>| {
        if let Err(e) = r {
            if !e.is_not_found() {
                failed.get_or_insert(e.message);
            }
        }
    };
    match owner {
        None => {
            // The owner is gone: dependents with no other live owner are deleted; others lose the ref.
            for d in dependents {
                let others_alive = d
                    .meta()
                    .owner_references
                    .iter()
                    .any(|r| r.uid != uid && c.store.get_by_uid(&r.uid).is_some());
                if others_alive {
                    let mut nd = (*d).clone();
                    nd.meta_mut().owner_references.retain(|r| r.uid != uid);
                    c.put_existing(nd);
                } else if !d.meta().is_deleting() {
                    note(c.delete_inner(
                        d.kind(),
                        d.namespace(),
                        d.name(),
                        &DeleteOptions {
                            grace_period_seconds: None,
                            propagation: Some(Propagation::Background),
                        },
                    ));
                }
            }
        }
        Some(owner) if owner.meta().is_deleting() => {
            let m = owner.meta();
            if m.finalizers.iter().any(|f| f == "orphan") {
                for d in dependents {
                    let mut nd = (*d).clone();
                    nd.meta_mut().owner_references.retain(|r| r.uid != uid);
                    c.put_existing(nd);
                }
                let mut no = (*owner).clone();
                remove_finalizer(no.meta_mut(), "orphan");
                c.put_existing(no);
            } else if m.finalizers.iter().any(|f| f == "foregroundDeletion") {
                let mut blocking = false;
                for d in &dependents {
                    let blocks = d
                        .meta()
                        .owner_references
                        .iter()
                        .any(|r| r.uid == uid && r.block_owner_deletion == Some(true));
                    blocking |= blocks;
                    if !d.meta().is_deleting() {
                        // `attemptToDeleteItem`: a dependent with dependents of its own is
                        // deleted in the foreground too; one without, in the background (so a
                        // pod gets no foregroundDeletion finalizer).
                        let nested = !c.store.dependents(&d.meta().uid).is_empty();
                        let propagation = if nested {
                            Propagation::Foreground
                        } else {
                            Propagation::Background
                        };
                        note(c.delete_inner(
                            d.kind(),
                            d.namespace(),
                            d.name(),
                            &DeleteOptions {
                                grace_period_seconds: None,
                                propagation: Some(propagation),
                            },
                        ));
                    }
                }
                if !blocking {
                    let mut no = (*owner).clone();
                    remove_finalizer(no.meta_mut(), "foregroundDeletion");
                    c.put_existing(no);
                }
            }
        }
        Some(_) => {}
    }
    match failed {
        Some(reason) => Action::Retry { reason },
        None => Action::Done,
    }
}
