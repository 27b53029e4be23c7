//! The native `ordinal` CLI: a REPL and a transcript runner on the same core as the web app.
//! Empty until the kubectl issue lands; the binary target is added with it.
