"""Writers: one function per use case, keyword-only, typed, atomic, auditing themselves."""
