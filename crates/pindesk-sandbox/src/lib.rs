//! The provider sandbox (filled in by the sandbox work).
