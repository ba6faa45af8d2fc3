// display_writer.cpp - DisplayWriter: data back to back, offsets, footer.
#include "display_writer.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

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
