// Writes seed request frames for the Kafka fuzzer: every API and version we
// implement, once with default fields and once with one element in every
// top-level struct array.
//   kafka_fuzz_seeds OUTPUT_DIR

#include <cstdio>
#include <fstream>
#include <string>

#include "broker/kafka/api_schemas.h"
#include "broker/kafka/codec.h"
#include "broker/kafka/request_header.h"

using namespace rtai::kafka;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: kafka_fuzz_seeds OUTPUT_DIR\n");
    return 2;
  }
  int written = 0;
  for (int16_t key = 0; key < 100; ++key) {
    const ApiSchema* api = FindApiSchema(key);
    if (api == nullptr) continue;
    for (int16_t v = api->request->valid.min; v <= api->request->valid.max; ++v) {
      for (int filled = 0; filled < 2; ++filled) {
        StructValue msg = NewMessage(*api->request);
        for (const FieldSpec& f : api->request->fields) {
          if (filled && f.type == FieldType::kArray && f.element == FieldType::kStruct) {
            msg.AddStruct(f.name);
          }
        }
        std::string frame;
        EncodeRequestHeader({key, v, 1, std::string("seed")}, RequestHeaderVersion(key, v), &frame);
        EncodeMessage(*api->request, v, msg, &frame);
        const std::string path = std::string(argv[1]) + "/seed_" + std::to_string(key) + "_v" +
                                 std::to_string(v) + "_" + std::to_string(filled);
        std::ofstream(path, std::ios::binary) << frame;
        ++written;
      }
    }
  }
  std::printf("%d seeds\n", written);
  return 0;
}
