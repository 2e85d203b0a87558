// Linked with one module as a whole archive and only the modules below it
// (lib/CMakeLists.txt): if the module calls a module above it, this link
// fails with an undefined symbol.
int main() { return 0; }
