//! The page: Ordinal's user interface (`ordinal_web::ui_main`).

fn main() {
    ordinal_web::ui_main();
}
