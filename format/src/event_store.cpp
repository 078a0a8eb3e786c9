// The one instantiation of the events' packed store.
#include "weft/format/event_store.hpp"

#include "weft/format/packed_store_impl.hpp"

namespace weft::format {

template class PackedStore<EventCodec>;

}  // namespace weft::format
