#pragma once
// TuneMallocForStreaming: glibc malloc settings for a process that moves
// large, short-lived buffers between threads (Kafka produce requests and
// their batches, engine record batches of a few hundred KiB). With glibc's
// defaults (mmap above 128 KiB, trim free heap above 128 KiB) such blocks go
// back to the kernel when freed and are page-faulted in again for the next
// one: rtaid took 13,850 page faults and 112 CPU-ms per million 100-byte
// Kafka records against 400 and 86 tuned (issue 3), and Nexmark q0 ran 3x
// slower, a third of its time in the page-fault path (issue 4; both in
// docs/PERFORMANCE.md). Tuned: blocks below 4 MiB come from the heap and
// are reused; free heap is returned only beyond 256 MiB per malloc arena.
// Call once at the start of main, before threads start.

namespace rtai {

void TuneMallocForStreaming();

}  // namespace rtai
