// compression.cpp - Zstandard with a trained dictionary, level 1.
#include "compression.h"

#include <zdict.h>
#include <zstd.h>

#include <new>

namespace atlas {
namespace {

constexpr int kLevel = 1;
constexpr std::size_t kDictionaryBytes = 64 << 10;
// A decompressed record larger than this is taken for damage, not data.
constexpr unsigned long long kMaxRecordBytes = 64ull << 20;

}  // namespace

std::string train_dictionary(const std::vector<std::string>& samples) {
    std::string joined;
    std::vector<std::size_t> sizes;
    for (const auto& s : samples) {
        joined += s;
        sizes.push_back(s.size());
    }
    std::string dictionary(kDictionaryBytes, '\0');
    std::size_t n = ZDICT_trainFromBuffer(dictionary.data(), dictionary.size(), joined.data(),
                                          sizes.data(), static_cast<unsigned>(sizes.size()));
    if (ZDICT_isError(n)) return {};
    dictionary.resize(n);
    return dictionary;
}

struct Compressor::Impl {
    ZSTD_CCtx* ctx = nullptr;
    ZSTD_CDict* dict = nullptr;
    ~Impl() {
        ZSTD_freeCDict(dict);
        ZSTD_freeCCtx(ctx);
    }
};

Compressor::Compressor(std::string_view dictionary) : impl_(std::make_unique<Impl>()) {
    impl_->ctx = ZSTD_createCCtx();
    if (impl_->ctx == nullptr) throw std::bad_alloc();
    if (!dictionary.empty()) {
        impl_->dict = ZSTD_createCDict(dictionary.data(), dictionary.size(), kLevel);
        if (impl_->dict == nullptr) throw std::bad_alloc();
    }
    // Each frame carries a checksum of its data (4 bytes), so a damaged one is
    // refused rather than shown.
    ZSTD_CCtx_setParameter(impl_->ctx, ZSTD_c_compressionLevel, kLevel);
    ZSTD_CCtx_setParameter(impl_->ctx, ZSTD_c_checksumFlag, 1);
    if (impl_->dict != nullptr) ZSTD_CCtx_refCDict(impl_->ctx, impl_->dict);
}

Compressor::~Compressor() = default;

std::string Compressor::compress(std::string_view data) {
    std::string out(ZSTD_compressBound(data.size()), '\0');
    std::size_t n = ZSTD_compress2(impl_->ctx, out.data(), out.size(), data.data(), data.size());
    // The bound always suffices; an error here can only be memory.
    if (ZSTD_isError(n)) throw std::bad_alloc();
    out.resize(n);
    return out;
}

struct Decompressor::Impl {
    ZSTD_DDict* dict = nullptr;
    bool ok = true;
    ~Impl() { ZSTD_freeDDict(dict); }
};

Decompressor::Decompressor(std::string_view dictionary) : impl_(std::make_unique<Impl>()) {
    if (dictionary.empty()) return;
    impl_->dict = ZSTD_createDDict(dictionary.data(), dictionary.size());
    impl_->ok = impl_->dict != nullptr;
}

bool Decompressor::ok() const { return impl_->ok; }

Decompressor::~Decompressor() = default;

std::optional<std::string> Decompressor::decompress(std::string_view frame) const {
    // One context per thread: a ZSTD_DCtx must not be shared, a DDict may be.
    struct Context {
        ZSTD_DCtx* ctx = ZSTD_createDCtx();
        ~Context() { ZSTD_freeDCtx(ctx); }
    };
    thread_local Context context;
    if (context.ctx == nullptr) throw std::bad_alloc();
    if (!impl_->ok) return std::nullopt;
    unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > kMaxRecordBytes) {
        return std::nullopt;
    }
    std::string out(static_cast<std::size_t>(size), '\0');
    std::size_t n = impl_->dict != nullptr
                        ? ZSTD_decompress_usingDDict(context.ctx, out.data(), out.size(),
                                                     frame.data(), frame.size(), impl_->dict)
                        : ZSTD_decompressDCtx(context.ctx, out.data(), out.size(), frame.data(),
                                              frame.size());
    if (ZSTD_isError(n) || n != out.size()) return std::nullopt;
    return out;
}

}  // namespace atlas
