//! A small POSIX-ish shell language (words, quotes, `;`, `&&`, `|`, `for`) used by the terminal
//! and by `sh -c` inside simulated containers. Empty until the kubectl issue lands.
