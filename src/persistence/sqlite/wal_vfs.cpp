#include "persistence/sqlite/wal_vfs.hpp"

#include <algorithm>
#include <new>
#include <string>

namespace bia::persistence::sqlite {
namespace {

constexpr int kFrameHeaderSize = 24;  // a WAL frame's header; the page follows it

// One open WAL file: what waits to be written, and the default VFS's own file object, which
// follows this one in the allocation SQLite makes (szOsFile) for it.
struct WalFile {
    sqlite3_file base;  // first, so SQLite's sqlite3_file* is this object
    sqlite3_file* real = nullptr;
    std::string pending;  // bytes for the file from pending_at on
    sqlite3_int64 pending_at = 0;
    bool commit_header_last = false;  // the last write was the header of a commit frame
};
constexpr size_t kRealOffset = (sizeof(WalFile) + 15) & ~size_t{15};

WalFile* Wal(sqlite3_file* f) { return reinterpret_cast<WalFile*>(f); }
sqlite3_vfs* Base(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }

// A frame header's second word is the database's size in pages after the commit, in commit frames
// only (zero in every other frame).
bool IsCommitFrameHeader(const void* data, int amount) {
    if (amount != kFrameHeaderSize) return false;
    const auto* b = static_cast<const unsigned char*>(data);
    return (b[4] | b[5] | b[6] | b[7]) != 0;
}

// SQLite's unix VFS writes at most 128 KiB - 1 bytes per call (and reports a shorter write as a full
// disk), so the pending bytes go out in chunks of at most this many.
constexpr size_t kMaxChunk = 31 * 4096;
constexpr size_t kKeptCapacity = 256 * 1024;

int Flush(WalFile* w) {
    w->commit_header_last = false;
    int rc = SQLITE_OK;
    for (size_t done = 0; done < w->pending.size() && rc == SQLITE_OK; done += kMaxChunk) {
        const size_t n = std::min(kMaxChunk, w->pending.size() - done);
        rc = w->real->pMethods->xWrite(w->real, w->pending.data() + done, static_cast<int>(n),
                                       w->pending_at + static_cast<sqlite3_int64>(done));
    }
    w->pending.clear();  // on failure too: SQLite fails the transaction and writes its frames again
    // A large transaction's buffer is not kept: a batch of the profile benchmark needs ~55 KB.
    if (w->pending.capacity() > kKeptCapacity) std::string().swap(w->pending);
    return rc;
}

int WalClose(sqlite3_file* f) {
    WalFile* w = Wal(f);
    const int flushed = Flush(w);
    const int closed = w->real->pMethods != nullptr ? w->real->pMethods->xClose(w->real) : SQLITE_OK;
    w->~WalFile();
    return flushed != SQLITE_OK ? flushed : closed;
}

int WalRead(sqlite3_file* f, void* out, int amount, sqlite3_int64 offset) {
    WalFile* w = Wal(f);
    if (const int rc = Flush(w); rc != SQLITE_OK) return rc;
    return w->real->pMethods->xRead(w->real, out, amount, offset);
}

int WalWrite(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
    WalFile* w = Wal(f);
    const bool completes_commit_frame = w->commit_header_last;
    if (!w->pending.empty() && offset != w->pending_at + static_cast<sqlite3_int64>(w->pending.size())) {
        if (const int rc = Flush(w); rc != SQLITE_OK) return rc;
    }
    if (w->pending.empty()) w->pending_at = offset;
    try {
        w->pending.append(static_cast<const char*>(data), static_cast<size_t>(amount));
    } catch (const std::bad_alloc&) {
        // Unbuffered, then; a commit frame's header written so still has its page flushed after it.
        if (const int rc = Flush(w); rc != SQLITE_OK) return rc;
        const int rc = w->real->pMethods->xWrite(w->real, data, amount, offset);
        w->commit_header_last = rc == SQLITE_OK && IsCommitFrameHeader(data, amount);
        return rc;
    }
    w->commit_header_last = IsCommitFrameHeader(data, amount);
    // The commit frame's page is the last write before SQLite publishes the commit in the WAL index.
    if (completes_commit_frame || w->pending.size() >= kMaxWalBuffered) return Flush(w);
    return SQLITE_OK;
}

int WalTruncate(sqlite3_file* f, sqlite3_int64 size) {
    WalFile* w = Wal(f);
    if (const int rc = Flush(w); rc != SQLITE_OK) return rc;
    return w->real->pMethods->xTruncate(w->real, size);
}

int WalSync(sqlite3_file* f, int flags) {
    WalFile* w = Wal(f);
    if (const int rc = Flush(w); rc != SQLITE_OK) return rc;
    return w->real->pMethods->xSync(w->real, flags);
}

int WalFileSize(sqlite3_file* f, sqlite3_int64* size) {
    WalFile* w = Wal(f);
    if (const int rc = Flush(w); rc != SQLITE_OK) return rc;
    return w->real->pMethods->xFileSize(w->real, size);
}

int WalLock(sqlite3_file* f, int level) { return Wal(f)->real->pMethods->xLock(Wal(f)->real, level); }
int WalUnlock(sqlite3_file* f, int level) { return Wal(f)->real->pMethods->xUnlock(Wal(f)->real, level); }
int WalCheckReservedLock(sqlite3_file* f, int* out) {
    return Wal(f)->real->pMethods->xCheckReservedLock(Wal(f)->real, out);
}

// Hints and queries: none of them needs the pending bytes in the file (SQLite may ignore what a
// hint returns, so a write failing here could go unreported).
int WalFileControl(sqlite3_file* f, int op, void* arg) {
    return Wal(f)->real->pMethods->xFileControl(Wal(f)->real, op, arg);
}
int WalSectorSize(sqlite3_file* f) { return Wal(f)->real->pMethods->xSectorSize(Wal(f)->real); }
int WalDeviceCharacteristics(sqlite3_file* f) { return Wal(f)->real->pMethods->xDeviceCharacteristics(Wal(f)->real); }

// Version 1: SQLite maps no shared memory through a WAL file and never memory-maps one.
const sqlite3_io_methods kWalMethods = {
    1,
    WalClose,
    WalRead,
    WalWrite,
    WalTruncate,
    WalSync,
    WalFileSize,
    WalLock,
    WalUnlock,
    WalCheckReservedLock,
    WalFileControl,
    WalSectorSize,
    WalDeviceCharacteristics,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
};

int VfsOpen(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
    sqlite3_vfs* base = Base(vfs);
    if ((flags & SQLITE_OPEN_WAL) == 0) return base->xOpen(base, name, file, flags, out_flags);
    auto* w = new (file) WalFile();
    w->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kRealOffset);
    w->real->pMethods = nullptr;
    const int rc = base->xOpen(base, name, w->real, flags, out_flags);
    if (rc != SQLITE_OK) {
        // A file object the default VFS gave methods to must be closed even though it failed.
        if (w->real->pMethods != nullptr) w->real->pMethods->xClose(w->real);
        w->~WalFile();
        file->pMethods = nullptr;
        return rc;
    }
    w->base.pMethods = &kWalMethods;
    return SQLITE_OK;
}

// The rest is the base VFS's, given the base VFS.
int VfsDelete(sqlite3_vfs* v, const char* name, int sync) { return Base(v)->xDelete(Base(v), name, sync); }
int VfsAccess(sqlite3_vfs* v, const char* name, int flags, int* out) {
    return Base(v)->xAccess(Base(v), name, flags, out);
}
int VfsFullPathname(sqlite3_vfs* v, const char* name, int n, char* out) {
    return Base(v)->xFullPathname(Base(v), name, n, out);
}
void* VfsDlOpen(sqlite3_vfs* v, const char* name) { return Base(v)->xDlOpen(Base(v), name); }
void VfsDlError(sqlite3_vfs* v, int n, char* out) { Base(v)->xDlError(Base(v), n, out); }
void (*VfsDlSym(sqlite3_vfs* v, void* lib, const char* sym))(void) { return Base(v)->xDlSym(Base(v), lib, sym); }
void VfsDlClose(sqlite3_vfs* v, void* lib) { Base(v)->xDlClose(Base(v), lib); }
int VfsRandomness(sqlite3_vfs* v, int n, char* out) { return Base(v)->xRandomness(Base(v), n, out); }
int VfsSleep(sqlite3_vfs* v, int us) { return Base(v)->xSleep(Base(v), us); }
int VfsCurrentTime(sqlite3_vfs* v, double* out) { return Base(v)->xCurrentTime(Base(v), out); }
int VfsGetLastError(sqlite3_vfs* v, int n, char* out) { return Base(v)->xGetLastError(Base(v), n, out); }
int VfsCurrentTimeInt64(sqlite3_vfs* v, sqlite3_int64* out) { return Base(v)->xCurrentTimeInt64(Base(v), out); }
int VfsSetSystemCall(sqlite3_vfs* v, const char* name, sqlite3_syscall_ptr call) {
    return Base(v)->xSetSystemCall(Base(v), name, call);
}
sqlite3_syscall_ptr VfsGetSystemCall(sqlite3_vfs* v, const char* name) {
    return Base(v)->xGetSystemCall(Base(v), name);
}
const char* VfsNextSystemCall(sqlite3_vfs* v, const char* name) { return Base(v)->xNextSystemCall(Base(v), name); }

}  // namespace

bool RegisterWalBufferingVfs(const char* name, const char* base_name) {
    sqlite3_vfs* base = sqlite3_vfs_find(base_name);
    if (base == nullptr || base->iVersion < 1) return false;
    if (sqlite3_vfs_find(name) != nullptr) return true;
    // Lives as long as the process: connections may use it until the very end.
    auto* vfs = new sqlite3_vfs{};
    vfs->iVersion = base->iVersion < 3 ? base->iVersion : 3;
    vfs->szOsFile = static_cast<int>(kRealOffset) + base->szOsFile;
    vfs->mxPathname = base->mxPathname;
    vfs->zName = name;
    vfs->pAppData = base;
    vfs->xOpen = VfsOpen;
    vfs->xDelete = VfsDelete;
    vfs->xAccess = VfsAccess;
    vfs->xFullPathname = VfsFullPathname;
    vfs->xDlOpen = base->xDlOpen != nullptr ? VfsDlOpen : nullptr;
    vfs->xDlError = base->xDlError != nullptr ? VfsDlError : nullptr;
    vfs->xDlSym = base->xDlSym != nullptr ? VfsDlSym : nullptr;
    vfs->xDlClose = base->xDlClose != nullptr ? VfsDlClose : nullptr;
    vfs->xRandomness = VfsRandomness;
    vfs->xSleep = VfsSleep;
    vfs->xCurrentTime = VfsCurrentTime;
    vfs->xGetLastError = base->xGetLastError != nullptr ? VfsGetLastError : nullptr;
    if (vfs->iVersion >= 2) vfs->xCurrentTimeInt64 = base->xCurrentTimeInt64 != nullptr ? VfsCurrentTimeInt64 : nullptr;
    if (vfs->iVersion >= 3) {
        vfs->xSetSystemCall = base->xSetSystemCall != nullptr ? VfsSetSystemCall : nullptr;
        vfs->xGetSystemCall = base->xGetSystemCall != nullptr ? VfsGetSystemCall : nullptr;
        vfs->xNextSystemCall = base->xNextSystemCall != nullptr ? VfsNextSystemCall : nullptr;
    }
    if (sqlite3_vfs_register(vfs, 0) != SQLITE_OK) {
        delete vfs;
        return false;
    }
    return true;
}

const char* WalBufferingVfs() {
    static const char* const name = [] {
        constexpr const char* kName = "bia-wal-buffered";
        return RegisterWalBufferingVfs(kName, nullptr) ? kName : nullptr;
    }();
    return name;
}

}  // namespace bia::persistence::sqlite
