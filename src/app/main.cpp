// bia — the command line: serve, migrate, identities, version (Kratos-style, CLI11).
#include "app/cli.hpp"

int main(int argc, char** argv) { return bia::app::RunCli(argc, argv); }
