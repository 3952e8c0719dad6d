// jemalloc's options for arts-generator, read by jemalloc when the process
// starts (its `malloc_conf` symbol; the MALLOC_CONF environment variable
// still overrides them). The decode loop allocates and frees tensors of
// ever-changing sizes every few milliseconds. Returning freed pages to the
// system (jemalloc's default decay of 10 s) made every pass fault them back
// in: goodput fell 4x in the soak. Keeping them (decay -1) holds the
// process at its working set, since jemalloc's size classes reuse freed
// runs, where glibc's heap kept growing holes (docs/reliability.md, "Soak").
extern "C" {
// NOLINTNEXTLINE: jemalloc reads this exact global by name.
const char* malloc_conf = "dirty_decay_ms:-1,muzzy_decay_ms:-1";
}
