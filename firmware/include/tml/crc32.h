// CRC-32 (IEEE 802.3, as in zlib and PNG): reflected polynomial 0xEDB88320, initial value and final XOR
// 0xFFFFFFFF. tml_crc32(0, "123456789", 9) == 0xCBF43926.
#ifndef TML_CRC32_H
#define TML_CRC32_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Continues a CRC over more bytes: pass 0 to start, the previous result to continue.
uint32_t tml_crc32(uint32_t crc, const void* data, size_t len);

#ifdef __cplusplus
}
#endif

#endif  // TML_CRC32_H
