// Filled in by the processes work (issue 15).
int main() { return 2; }
