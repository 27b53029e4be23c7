//! The engine: the simulated cluster and the terminal, in the Web Worker the page starts
//! (`ordinal_web::engine_main`).

fn main() {
    ordinal_web::engine_main();
}
