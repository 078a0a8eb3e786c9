// The instantiation of the plain numbers' packed store (packed_store.hpp).
#include "weft/format/packed_store_impl.hpp"

namespace weft::format {

template class PackedStore<UintCodec>;

}  // namespace weft::format
