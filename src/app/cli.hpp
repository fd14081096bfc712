// The `bia` command line (CLI11), shaped like Kratos's: `serve`, `migrate sql`, `identities`,
// `version`. Returns the process exit code.
#pragma once

namespace bia::app {

int RunCli(int argc, char** argv);

}  // namespace bia::app
