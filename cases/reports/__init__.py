"""Leadership reports: dashboard figures, exports, the summary report, charts and suppression."""
