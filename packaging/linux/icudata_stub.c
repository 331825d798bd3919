/* An empty ICU common-data library (as ICU's own stubdata): Qt links ICU but the app needs none of
   its data (collation, legacy codecs, locale case rules), so libicudata (32 MB) ships empty. */
#include <stdint.h>
typedef struct {
    uint16_t headerSize; uint8_t magic1, magic2;
    struct { uint16_t size, reservedWord; uint8_t isBigEndian, charsetFamily, sizeofUChar, reservedByte;
             uint8_t dataFormat[4], formatVersion[4], dataVersion[4]; } info;
    char padding[8];
    uint32_t count, reserved;
    struct { uint32_t nameOffset, dataOffset; } toc[1];
} ICU_Data_Header;
__attribute__((visibility("default"))) const ICU_Data_Header ICUDT_SYMBOL = {
    32, 0xda, 0x27,
    {20, 0, 0, 0, 2, 0, {0x54, 0x6f, 0x43, 0x50}, {1, 0, 0, 0}, {0, 0, 0, 0}},
    {0}, 0, 0, {{0, 0}}
};
