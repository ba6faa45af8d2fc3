// display_writer.cpp - DisplayWriter: data back to back, offsets, footer.
#include "display_writer.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include <unistd.h>

#include "schema/display_file.h"

namespace atlas::detail {

namespace fs = std::filesystem;

Result<DisplayWriter> DisplayWriter::create(const fs::path& path) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    std::FILE* file = ec ? nullptr : std::fopen(path.c_str(), "wbx");
    if (file == nullptr) {
        std::string why = ec ? ec.message() : std::strerror(errno);
        return Error{Errc::io, fmt::format("cannot create '{}': {}", path.string(), why)};
    }
    return DisplayWriter(path, file);
}

namespace {

template <class T>
bool read_at(std::FILE* file, std::uint64_t offset, T* out, std::size_t count) {
    return std::fseek(file, static_cast<long>(offset), SEEK_SET) == 0 &&
           std::fread(out, sizeof(T), count, file) == count;
}

}  // namespace

// The footer says where the dictionary and the offsets are; the frames end
// where the dictionary starts, and new ones are written from there.
Result<DisplayWriter> DisplayWriter::append_to(const fs::path& path, std::uint64_t expected) {
    std::FILE* file = std::fopen(path.c_str(), "r+b");
    if (file == nullptr) {
        return Error{Errc::io, fmt::format("cannot open '{}': {}", path.string(), std::strerror(errno))};
    }
    DisplayWriter writer(path, file);
    auto damaged = [&](std::string_view what) {
        return Error{Errc::corrupt, fmt::format("display file '{}' is damaged: {}", path.string(), what)};
    };
    std::error_code ec;
    const std::uint64_t size = fs::file_size(path, ec);
    std::uint64_t footer[2];
    char magic[8];
    if (ec || size < kDisplayFooterBytes || !read_at(file, size - 24, footer, 2) ||
        !read_at(file, size - 8, magic, 8) || std::string_view(magic, 8) != kDisplayMagic) {
        return damaged("no footer");
    }
    const auto [dictionary_bytes, count] = std::pair{footer[0], footer[1]};
    const std::uint64_t tail = kDisplayFooterBytes + (count + 1) * 8 + dictionary_bytes;
    if (count > size / 8 || dictionary_bytes > size || tail > size) return damaged("sizes out of range");
    if (count != expected) {
        return damaged(fmt::format("{} documents, its shard {}", count, expected));
    }
    const std::uint64_t frames_end = size - tail;
    writer.offsets_.resize(count + 1);
    writer.dictionary_.resize(dictionary_bytes);
    if (!read_at(file, frames_end + dictionary_bytes, writer.offsets_.data(), count + 1) ||
        !read_at(file, frames_end, writer.dictionary_.data(), dictionary_bytes) ||
        writer.offsets_.front() != 0 || writer.offsets_.back() != frames_end) {
        return damaged("offsets out of range");
    }
    if (::ftruncate(::fileno(file), static_cast<off_t>(frames_end)) != 0 ||
        std::fseek(file, 0, SEEK_END) != 0) {
        return Error{Errc::io, fmt::format("cannot truncate '{}': {}", path.string(), std::strerror(errno))};
    }
    writer.compressor_ = std::make_unique<Compressor>(writer.dictionary_);
    return writer;
}

DisplayWriter::DisplayWriter(fs::path path, std::FILE* file) : path_(std::move(path)), file_(file) {}

DisplayWriter::DisplayWriter(DisplayWriter&& other) noexcept
    : path_(std::move(other.path_)), file_(other.file_), offsets_(std::move(other.offsets_)),
      held_(std::move(other.held_)), dictionary_(std::move(other.dictionary_)),
      compressor_(std::move(other.compressor_)), error_(other.error_) {
    other.file_ = nullptr;
}

DisplayWriter::~DisplayWriter() {
    if (file_ != nullptr) std::fclose(file_);
}

void DisplayWriter::write(const void* bytes, std::size_t size) {
    if (error_ == 0 && size > 0 && std::fwrite(bytes, 1, size, file_) != size) error_ = errno;
}

void DisplayWriter::add(std::string data) {
    if (compressor_ != nullptr) {
        append(data);
        return;
    }
    held_.push_back(std::move(data));
    if (held_.size() == kTrainingRecords) start_compressing();
}

void DisplayWriter::append(std::string_view data) {
    std::string frame = compressor_->compress(data);
    write(frame.data(), frame.size());
    offsets_.push_back(offsets_.back() + frame.size());
}

void DisplayWriter::start_compressing() {
    dictionary_ = train_dictionary(held_);
    compressor_ = std::make_unique<Compressor>(dictionary_);
    for (const auto& data : held_) append(data);
    held_.clear();
    held_.shrink_to_fit();
}

Status DisplayWriter::finish() {
    if (file_ == nullptr) return Error{Errc::internal, fmt::format("'{}' finished twice", path_.string())};
    if (compressor_ == nullptr) start_compressing();
    std::uint64_t count = offsets_.size() - 1;
    std::uint64_t dictionary_bytes = dictionary_.size();
    write(dictionary_.data(), dictionary_.size());
    write(offsets_.data(), offsets_.size() * sizeof(std::uint64_t));
    write(&dictionary_bytes, sizeof dictionary_bytes);
    write(&count, sizeof count);
    write(kDisplayMagic.data(), kDisplayMagic.size());
    if (std::fflush(file_) != 0 && error_ == 0) error_ = errno;
    if (std::fclose(file_) != 0 && error_ == 0) error_ = errno;
    file_ = nullptr;
    if (error_ != 0) {
        return Error{Errc::io,
                     fmt::format("cannot write '{}' ({})", path_.string(), std::strerror(error_))};
    }
    return {};
}

}  // namespace atlas::detail
