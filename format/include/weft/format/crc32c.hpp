// CRC-32C (Castagnoli), the checksum of every chunk. Table-driven,
// slice-by-8; allocation-free and async-signal-safe, because the tracer
// calls it from its crash handlers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace weft::format {

std::uint32_t crc32c(const void* data, std::size_t size, std::uint32_t crc = 0) noexcept;

}  // namespace weft::format
