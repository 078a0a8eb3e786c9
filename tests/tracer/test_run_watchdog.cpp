// Filled in by the processes work (issue 15).
