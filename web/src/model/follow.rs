//! A read-only tab follows the tab that holds the session. Each time the holder saves (after
//! every input, and at most every 2 s of real time while time passes), the browser's `storage`
//! event brings its record here: this tab's engine takes the inputs it has not seen yet
//! ([`Engine::catch_up`](crate::engine::Engine::catch_up)) and prints them in its terminal as
//! the holder's did, so its cluster, events and terminal show what the holder did. A record
//! that does not go on from this engine's (the holder reset a lesson or opened a session, or
//! this tab held the session until another took it over) is replayed from its start instead.
//! A read-only tab's clock is the holder's: its own frames move nothing.
//!
//! The holder's editor text follows too, unless this tab's editor was changed here: what the
//! user typed in a read-only tab (the editor's text, the terminal's line) is never replaced,
//! and taking over keeps this tab's editor text if it was changed here.

use super::{replay_into, to_log, LogKind, Model};
use crate::examples::Example;
use crate::storage::Followed;
use std::rc::Rc;

/// Said when the holder's session was replayed from its start rather than followed.
pub const REPLAYED_NOTE: &str = "# The other tab's session went another way (a reset, an opened session, or this tab's own work before the other took over): it was replayed here from its start.\n";

impl Model {
    /// What the holder wrote: its session is followed; its editor text replaces this tab's
    /// unless that was changed here. A tab that holds the session follows nothing.
    pub(super) fn follow(&mut self, f: Followed) {
        if !self.read_only {
            return;
        }
        match f {
            Followed::Session(ops, now) => {
                let mut log = Vec::new();
                let caught = self
                    .engine
                    .borrow_mut()
                    .catch_up(&ops, now, &mut |echo, out| to_log(&mut log, echo, out));
                if caught.is_err() {
                    let (engine, replayed) = replay_into(&ops, now);
                    *self.engine.borrow_mut() = engine;
                    // The moment the timeline showed belonged to the record replaced.
                    self.past = None;
                    Rc::make_mut(&mut self.terminal).log.clear();
                    self.marks.clear();
                    self.lesson_output.clear();
                    self.checked = None;
                    self.log_replayed(replayed);
                    log = vec![(LogKind::Ui, REPLAYED_NOTE.into())];
                }
                for (kind, text) in log {
                    self.log(kind, text);
                }
                self.refresh(true);
            }
            Followed::Editor { was, text } => {
                // Unchanged here: it showed what was stored before (or the example, if nothing was).
                let shown = was.as_deref().unwrap_or(Example::Tutorial.text());
                if *self.editor.text == *shown && *self.editor.text != *text {
                    self.replace_editor_text(text);
                }
            }
        }
    }
}

/// The editor text a tab taking over opens with: this tab's own `local` text if it was changed
/// here (it differs from the holder's, `stored`), else the holder's; and whether it is its own.
pub fn taking_over(
    local: &str,
    stored: Result<Option<String>, ()>,
) -> (Result<Option<String>, ()>, bool) {
    let holders = match &stored {
        Ok(Some(t)) => t.as_str(),
        _ => Example::Tutorial.text(),
    };
    if local == holders {
        (stored, false)
    } else {
        (Ok(Some(local.to_string())), true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::parse_record;
    use crate::lessons::Progress;
    use crate::model::{Action, Route, READ_ONLY_NOTE};
    use yew::Reducible;

    fn act(m: Rc<Model>, a: Action) -> Rc<Model> {
        m.reduce(a)
    }

    fn terminal_text(m: &Model) -> String {
        m.terminal.log.iter().map(|e| e.text.as_str()).collect()
    }

    /// What the store holds, as text: equal dumps are equal clusters.
    fn dump(m: &Model) -> String {
        let e = m.engine();
        let e = e.borrow();
        let mut s = format!("now {}\n", e.cluster.now().0);
        for kind in ordinal_sim::api::KINDS {
            for o in e.cluster.store().list(kind.kind, None) {
                s.push_str(&o.to_value().to_string());
                s.push('\n');
            }
        }
        s
    }

    /// The holder's session as its tab saves it, and as the other tab's `storage` event brings it.
    fn saved(m: &Model) -> Followed {
        let (ops, now) = parse_record(&m.engine().borrow().record_json()).unwrap();
        Followed::Session(ops, now)
    }

    /// A tab opened while `holder` holds the session: its saved session, its editor as stored.
    fn read_only_tab(holder: &Model) -> Rc<Model> {
        let Followed::Session(ops, now) = saved(holder) else {
            unreachable!()
        };
        let mut m = Model::with(
            Ok(Some(holder.editor.text.to_string())),
            Progress::new(),
            Route::Manifest,
            Ok(Some(crate::engine::Saved::plain(ops, now))),
        );
        m.read_only = true;
        Rc::new(m)
    }

    fn frames(mut m: Rc<Model>, n: usize) -> Rc<Model> {
        for _ in 0..n {
            m = act(m, Action::Frame(250.0));
        }
        m
    }

    /// The read-only tab takes the holder's new inputs where its own record ends (its terminal
    /// keeps what it showed, nothing is replayed from the start), and ends with the holder's
    /// cluster, object for object, at the holder's time: the Apply's pods and a new Secret.
    /// Its own frames move nothing; what it was refused stays in its terminal.
    #[test]
    fn a_read_only_tab_follows_the_holders_inputs_without_starting_again() {
        let holder = Rc::new(Model::new(Ok(Some(Example::K8sIoWeb.text().to_string()))));
        let holder = act(holder, Action::Apply);
        let holder = frames(holder, 20);
        // The holder's editor changes after its Apply: the read-only tab opens with that text,
        // synced into its own web.yaml, which the holder has not synced yet.
        let changed = Example::K8sIoWeb
            .text()
            .replace("replicas: 2", "replicas: 3");
        let holder = act(holder, Action::Edit(changed.clone()));
        let ro = read_only_tab(&holder);
        let before = dump(&ro);
        let ro = frames(ro, 40);
        assert_eq!(dump(&ro), before, "a read-only tab's frames move nothing");
        let ro = act(ro, Action::Submit("kubectl delete sts web".into()));
        let ro = act(ro, Action::Step);
        assert_eq!(terminal_text(&ro).matches(READ_ONLY_NOTE).count(), 2);

        let holder = frames(holder, 40);
        let holder = act(holder, Action::Apply);
        let holder = act(
            holder,
            Action::Submit("kubectl create secret generic from-a --from-literal=k=v".into()),
        );
        let holder = frames(holder, 240);
        let ro = act(ro, Action::Follow(saved(&holder)));
        assert_eq!(dump(&ro), dump(&holder));
        assert_eq!(
            ro.engine().borrow().record(),
            holder.engine().borrow().record()
        );
        assert_eq!(ro.cluster, holder.cluster);
        assert_eq!(ro.cluster.sets[0].ready, "3/3");
        let log = terminal_text(&ro);
        assert!(!log.contains(REPLAYED_NOTE), "{log}");
        assert_eq!(log.matches(READ_ONLY_NOTE).count(), 2, "{log}");
        assert!(
            log.contains("$ kubectl apply -f web.yaml\nservice/nginx unchanged\nstatefulset.apps/web configured\n"),
            "{log}"
        );
        assert!(
            log.ends_with("$ kubectl create secret generic from-a --from-literal=k=v\nsecret/from-a created\n"),
            "{log}"
        );

        // Again, from there: a watch started in the holder prints here as time passes there.
        let holder = act(holder, Action::Submit("kubectl get pods -w".into()));
        let holder = act(holder, Action::DeletePod("web-2".into()));
        let ro = act(ro, Action::Follow(saved(&holder)));
        let holder = frames(holder, 40);
        let ro = act(ro, Action::Follow(saved(&holder)));
        assert_eq!(dump(&ro), dump(&holder));
        assert!(ro.terminal.busy);
        let log = terminal_text(&ro);
        assert!(!log.contains(REPLAYED_NOTE), "{log}");
        let watched = &log[log.find("$ kubectl get pods -w\n").unwrap()..];
        assert!(
            watched.contains("web-2") && watched.contains("Terminating"),
            "{log}"
        );
        assert_eq!(
            ro.engine().borrow().session.files().read("web.yaml"),
            Ok(changed)
        );

        // The holder ignores a session that is not its own.
        let same = act(holder.clone(), Action::Follow(saved(&ro)));
        assert!(Rc::ptr_eq(&same, &holder));
    }

    /// A record that does not go on from the read-only tab's (the holder reset a lesson) is
    /// replayed from its start, and followed from there on.
    #[test]
    fn a_record_that_went_another_way_is_replayed_from_its_start() {
        let holder = Rc::new(Model::new(Ok(None)));
        let holder = act(holder, Action::Submit("kubectl create namespace a".into()));
        let ro = read_only_tab(&holder);
        let id = holder.lessons[0].id.clone();
        let holder = act(holder, Action::ResetLesson(id));
        let holder = frames(holder, 8);
        let ro = act(ro, Action::Follow(saved(&holder)));
        assert_eq!(dump(&ro), dump(&holder));
        assert!(terminal_text(&ro).ends_with(REPLAYED_NOTE));
        let holder = act(holder, Action::Submit("kubectl create namespace b".into()));
        let ro = act(ro, Action::Follow(saved(&holder)));
        assert_eq!(dump(&ro), dump(&holder));
        let log = terminal_text(&ro);
        assert!(
            log.ends_with("$ kubectl create namespace b\nnamespace/b created\n"),
            "{log}"
        );
    }

    /// The holder's editor text replaces the read-only tab's while that is as stored; text
    /// changed in the read-only tab stays, and is kept when this tab takes over.
    #[test]
    fn the_editor_follows_unless_it_was_changed_here() {
        let ro = Rc::new(Model::new(Ok(Some("a: 1\n".into()))));
        let mut m = (*ro).clone();
        m.read_only = true;
        let ro = Rc::new(m);
        let edit = |was: &str, text: &str| {
            Action::Follow(Followed::Editor {
                was: Some(was.into()),
                text: text.into(),
            })
        };
        let generation = ro.editor.generation;
        let ro = act(ro, edit("a: 1\n", "a: 2\n"));
        assert_eq!(&*ro.editor.text, "a: 2\n");
        assert!(ro.editor.generation > generation, "the textarea is told");
        let ro = act(ro, Action::Edit("mine: 1\n".into()));
        let ro = act(ro, edit("a: 2\n", "a: 3\n"));
        assert_eq!(&*ro.editor.text, "mine: 1\n");

        assert_eq!(
            taking_over("a: 3\n", Ok(Some("a: 3\n".into()))),
            (Ok(Some("a: 3\n".into())), false)
        );
        assert_eq!(
            taking_over(Example::Tutorial.text(), Ok(None)),
            (Ok(None), false)
        );
        let m = act(
            ro,
            Action::TakeOver {
                editor: Ok(Some("a: 3\n".into())),
                progress: Progress::new(),
                session: Ok(None),
            },
        );
        assert!(!m.read_only);
        assert_eq!(&*m.editor.text, "mine: 1\n");
        assert!(terminal_text(&m).contains("The editor keeps the text you changed in this tab"));
    }
}
