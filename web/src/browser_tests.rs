//! Tests of the glue that only exists in a browser: `localStorage`, the requestAnimationFrame
//! clock driver, and DOM events reaching the reducer. They run in headless Chromium through
//! `wasm-bindgen-test-runner` (`scripts/test.sh`, step "web glue (wasm, in chromium)"); the
//! reducer and view model have native tests beside them, and the whole page has Playwright tests.

use crate::app::App;
use crate::storage;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Document, Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// Lets timers, microtasks and animation frames run for `ms` of real time.
async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

/// Waits (up to 5 s) until `f` holds, so a slow machine only makes the test slower.
async fn until(what: &str, f: impl Fn() -> bool) {
    for _ in 0..250 {
        if f() {
            return;
        }
        sleep(20).await;
    }
    panic!("timed out waiting for: {what}");
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
}

/// A fresh App in its own element; storage cleared so it starts from the example.
async fn mount() -> (yew::AppHandle<App>, Element) {
    local_storage().clear().unwrap();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    let r = root.clone();
    until("the app to render", move || {
        r.query_selector("[aria-label=Terminal]").unwrap().is_some()
    })
    .await;
    (handle, root)
}

fn unmount(handle: yew::AppHandle<App>, root: Element) {
    handle.destroy();
    root.remove();
}

fn sim_time(root: &Element) -> String {
    find(root, "time[aria-label='Simulated time']")
        .get_attribute("datetime")
        .unwrap()
}

fn fire(target: &Element, event: &web_sys::Event) {
    target.dispatch_event(event).unwrap();
}

fn bubbling(name: &str) -> web_sys::Event {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    web_sys::Event::new_with_event_init_dict(name, &init).unwrap()
}

fn key(name: &str) -> web_sys::KeyboardEvent {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(name);
    init.set_bubbles(true);
    init.set_cancelable(true);
    web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()
}

#[wasm_bindgen_test]
fn the_buffer_round_trips_through_local_storage() {
    local_storage().clear().unwrap();
    assert_eq!(storage::load(), Ok(None));
    assert_eq!(storage::save("kind: Service\n# ünïcode <b>\n"), Ok(()));
    assert_eq!(
        storage::load(),
        Ok(Some("kind: Service\n# ünïcode <b>\n".to_string()))
    );
}

#[wasm_bindgen_test]
fn an_unreadable_stored_value_is_reported_not_used() {
    local_storage().clear().unwrap();
    local_storage()
        .set_item("ordinal.editor.v1", "{not json")
        .unwrap();
    assert_eq!(storage::load(), Err(()));
    local_storage().clear().unwrap();
}

/// Fills `localStorage` until `setItem` throws, leaving less than `room` characters free.
/// Returns the keys it wrote.
fn fill_local_storage(room: usize) -> Vec<String> {
    let mut keys = Vec::new();
    let mut chunk = 1 << 20;
    while chunk >= room {
        let key = format!("test.fill.{}", keys.len());
        if local_storage().set_item(&key, &"x".repeat(chunk)).is_ok() {
            keys.push(key);
        } else {
            chunk /= 2;
        }
    }
    keys
}

#[wasm_bindgen_test]
fn a_save_the_browser_refuses_is_an_error_and_keeps_the_saved_session() {
    use storage::{Refusal, SaveError, Stored};
    local_storage().clear().unwrap();
    let saved = serde_json::json!({ "saved": "y".repeat(50_000) });
    assert_eq!(storage::save_session(&saved), Ok(()));
    let keys = fill_local_storage(1024);
    assert!(!keys.is_empty());

    // Too big for the room left: refused with its size, the saved session untouched.
    let bigger = serde_json::json!({ "bigger": "z".repeat(100_000) });
    assert_eq!(
        storage::save_session(&bigger),
        Err(SaveError {
            what: Stored::Session,
            bytes: bigger.to_string().len(),
            why: Refusal::Full,
        })
    );
    assert_eq!(
        local_storage().get_item("ordinal.session").unwrap(),
        Some(saved.to_string())
    );
    assert_eq!(
        storage::save(&"e".repeat(10_000)).map_err(|e| (e.what, e.why)),
        Err((Stored::Editor, Refusal::Full))
    );

    // An import would replace the saved session, but it cannot be backed up: it is held, and
    // even a small session is not saved over it.
    assert_eq!(
        storage::backup_session().map_err(|e| (e.what, e.why)),
        Err((Stored::Backup, Refusal::Full))
    );
    let small = serde_json::json!({ "small": 1 });
    assert_eq!(
        storage::save_session(&small).map_err(|e| e.why),
        Err(Refusal::Held)
    );
    assert_eq!(
        local_storage().get_item("ordinal.session").unwrap(),
        Some(saved.to_string())
    );

    // Room again: the backup succeeds, the hold goes, and saves succeed.
    for k in &keys {
        local_storage().remove_item(k).unwrap();
    }
    assert_eq!(storage::backup_session(), Ok(()));
    assert_eq!(storage::load_backup(), Some(saved.to_string()));
    assert_eq!(storage::save_session(&bigger), Ok(()));
    local_storage().clear().unwrap();
}

fn type_line(root: &Element, line: &str) {
    let input: HtmlInputElement = find(root, "#terminal-input").dyn_into().unwrap();
    input.set_value(line);
    fire(&input, &bubbling("input"));
    fire(&input, &key("Enter"));
}

#[wasm_bindgen_test]
async fn the_page_says_when_autosave_is_refused_and_clears_it_after_a_save() {
    let (handle, root) = mount().await;
    let status = find(&root, ".autosave-status[role=status]");
    assert_eq!(status.text_content().unwrap_or_default(), "");
    let keys = fill_local_storage(16);
    type_line(&root, "kubectl get nodes");
    until("the autosave notice", || {
        status
            .text_content()
            .unwrap_or_default()
            .starts_with("Autosave failed: this session (")
    })
    .await;
    // The page keeps running.
    type_line(&root, "kubectl get pods");
    let log = find(&root, "[role=log]");
    until("kubectl's answer", || {
        log.text_content()
            .unwrap_or_default()
            .contains("No resources found in default namespace.")
    })
    .await;
    for k in &keys {
        local_storage().remove_item(k).unwrap();
    }
    type_line(&root, "kubectl get sts");
    until("the notice to go", || {
        status.text_content().unwrap_or_default().is_empty()
    })
    .await;
    unmount(handle, root);
    local_storage().clear().unwrap();
}

#[wasm_bindgen_test]
async fn a_line_typed_in_the_terminal_runs_kubectl() {
    let (handle, root) = mount().await;
    let input: HtmlInputElement = find(&root, "#terminal-input").dyn_into().unwrap();
    input.set_value("kubectl get nodes");
    fire(&input, &bubbling("input"));
    fire(&input, &key("Enter"));
    let log = find(&root, "[role=log]");
    until("kubectl's table of nodes", || {
        let text = log.text_content().unwrap_or_default();
        text.contains("kind-control-plane   Ready    control-plane")
            && text.contains("kind-worker2         Ready    <none>")
    })
    .await;
    // The line is cleared and kept in history: ArrowUp brings it back.
    until("the input to clear", || input.value().is_empty()).await;
    fire(&input, &key("ArrowUp"));
    until("history recall", || input.value() == "kubectl get nodes").await;
    unmount(handle, root);
}

#[wasm_bindgen_test]
async fn the_clock_follows_animation_frames_until_paused() {
    let (handle, root) = mount().await;
    // Top speed, so a few frames move the clock by whole seconds.
    let speed: HtmlSelectElement = find(&root, "select[aria-label=Speed]").dyn_into().unwrap();
    speed.set_value("100");
    fire(&speed, &bubbling("change"));
    let start = sim_time(&root);
    let r = root.clone();
    until("simulated time to move", move || sim_time(&r) != start).await;

    let pause: HtmlElement = root
        .query_selector_all(".time-controls button")
        .unwrap()
        .get(0)
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(pause.text_content().unwrap().trim(), "Pause");
    pause.click();
    until("the Resume button", || {
        pause.text_content().unwrap().trim() == "Resume"
    })
    .await;
    let paused_at = sim_time(&root);
    sleep(300).await; // ~18 frames at 60 Hz: 30 s of simulated time if the clock still ran
    assert_eq!(sim_time(&root), paused_at, "the clock moved while paused");
    unmount(handle, root);
}

#[wasm_bindgen_test]
fn the_crash_screen_shows_the_message_as_text_with_a_reset() {
    // wasm32 aborts on panic (no unwinding to catch), so the hook's screen is shown directly.
    crate::show_crash("panicked at web/src/model.rs:1:1:\nboom <b id=injected>x</b>");
    let crash = document()
        .get_element_by_id("crash")
        .expect("the crash screen");
    assert_eq!(crash.get_attribute("role").as_deref(), Some("alertdialog"));
    let details = document().get_element_by_id("crash-details").unwrap();
    assert!(details
        .text_content()
        .unwrap()
        .contains("boom <b id=injected>x</b>"));
    assert!(
        document().get_element_by_id("injected").is_none(),
        "the message became markup"
    );
    let reset = crash.query_selector("button").unwrap().unwrap();
    assert_eq!(reset.text_content().as_deref(), Some("Reset"));
    crash.remove();
}

/// While another live tab holds the lease, this tab writes nothing (and does not claim it);
/// taking over makes it the holder, and releasing lets the lease go.
#[wasm_bindgen_test]
fn another_tabs_lease_refuses_every_write_until_taken_over() {
    use storage::{Lease, Refusal};
    local_storage().clear().unwrap();
    assert_eq!(storage::save("kept: 1\n"), Ok(()));
    let other = format!("{{\"tab\":\"other\",\"at\":{}}}", js_sys::Date::now());
    local_storage().set_item("ordinal.lease", &other).unwrap();
    assert_eq!(storage::lease(), Lease::Other);
    assert!(!storage::claim());
    assert_eq!(
        storage::save("lost: 1\n").map_err(|e| e.why),
        Err(Refusal::OtherTab)
    );
    assert_eq!(
        storage::save_session(&serde_json::json!({"version": 1})).map_err(|e| e.why),
        Err(Refusal::OtherTab)
    );
    assert_eq!(storage::load(), Ok(Some("kept: 1\n".to_string())));
    assert_eq!(local_storage().get_item("ordinal.session").unwrap(), None);
    storage::release();
    assert_eq!(
        local_storage().get_item("ordinal.lease").unwrap(),
        Some(other)
    );
    storage::take_over();
    assert_eq!(storage::lease(), Lease::Mine);
    assert_eq!(storage::save("mine: 1\n"), Ok(()));
    storage::release();
    assert_eq!(storage::lease(), Lease::Free);
    assert_eq!(local_storage().get_item("ordinal.lease").unwrap(), None);
    local_storage().clear().unwrap();
}
