#pragma once

// A SQLite VFS that writes a transaction's WAL frames with one write() instead of two per frame.
//
// SQLite appends each frame to the WAL file as two writes: its 24-byte header, then the page. A
// settings submit's batch commits ~13 frames, so the single writer made ~26 write system calls per
// commit, each taking the file's page lock and dirtying a page-cache page on its own (~11% of the
// server's CPU under profile writes, all of it on the writer's serial path; bench/README.md,
// session 17). This VFS wraps SQLite's default one; for WAL files only, it keeps contiguous writes
// in a buffer and writes them out
//
//   * when the page of a commit frame (a frame whose header carries the database size) has been
//     written: before SQLite publishes the commit in the shared WAL index, so no reader, in this
//     process or another, can be given a frame that is not in the file yet, and a failed write
//     fails the commit;
//   * before anything that reads, syncs, sizes, truncates, controls or closes the file, before a
//     write that does not follow on, and when kMaxBuffered bytes are waiting (a transaction larger
//     than the page cache spills frames before its commit).
//
// Every other file (the database, its journal, temporary files) is the default VFS's own, not
// wrapped at all.
#include <cstddef>

#include <sqlite3.h>

namespace bia::persistence::sqlite {

// The most bytes kept before they are written even without a commit frame.
inline constexpr size_t kMaxWalBuffered = size_t{1} << 20;

// The name under which the VFS is registered, wrapping the default VFS at the time of the first
// call; nullptr if it could not be registered (then SQLite's default serves, which is only slower).
const char* WalBufferingVfs();

// Registers a buffering VFS called `name` over the registered VFS `base` (tests put a counting one
// below it). Returns false if `base` is not registered or registration fails. Not thread-safe
// against itself; the VFS lives as long as the process.
bool RegisterWalBufferingVfs(const char* name, const char* base);

}  // namespace bia::persistence::sqlite
