/*
 * Why node-llama-cpp decodes slower than llama-bench at 2 threads on this project's machines.
 *
 * node-llama-cpp's addon attaches no ggml threadpool to its contexts, so every llama_decode runs
 * ggml_graph_compute with a "disposable" threadpool: it creates the worker threads, computes the
 * graph with spin barriers between operations, then joins them. llama-bench attaches one threadpool
 * and keeps its threads. This program does what the disposable pool does (create, ~60 spin barriers,
 * join) and what a kept pool does (the same barriers on a thread that stays), so the two costs can
 * be compared without a model.
 *
 *   gcc -O2 -pthread bench/native/fresh-thread-barrier.c -o /tmp/fresh-thread-barrier && /tmp/fresh-thread-barrier
 *
 * Measured on the 2-vCPU Firecracker VM (kernel 6.18): fresh thread 13-19 ms per "graph", multiples of
 * the 4 ms scheduler tick (the new thread starts on its creator's CPU and waits for a tick while the
 * creator spins); kept thread well under 0.1 ms. That is the 2-thread tg gap in the benchmark report.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

enum { BARRIERS = 60, GRAPHS = 50 };
static atomic_int arrived;
static atomic_int keep_running;
static atomic_int graph_started;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void work(void) {
  volatile double x = 0;
  for (int k = 0; k < 2000; k++) x += k;
}

/* Two-party spin barrier, as ggml_barrier spins. */
static void barrier(int *generation) {
  int g = ++(*generation);
  atomic_fetch_add(&arrived, 1);
  while (atomic_load(&arrived) < 2 * g) {}
}

static void *fresh_worker(void *unused) {
  (void)unused;
  int generation = 0;
  for (int i = 0; i < BARRIERS; i++) { work(); barrier(&generation); }
  return NULL;
}

static void *kept_worker(void *unused) {
  (void)unused;
  int seen = 0;
  while (atomic_load(&keep_running)) {
    int started = atomic_load(&graph_started);
    if (started == seen) continue; /* poll for the next graph, as ggml's threadpool does */
    seen = started;
    int generation = 0;
    for (int i = 0; i < BARRIERS; i++) { work(); barrier(&generation); }
  }
  return NULL;
}

static void main_side(void) {
  int generation = 0;
  for (int i = 0; i < BARRIERS; i++) { work(); barrier(&generation); }
}

int main(void) {
  for (int round = 0; round < 3; round++) {
    double total = 0, worst = 0;
    for (int g = 0; g < GRAPHS; g++) {
      double start = now_ms();
      atomic_store(&arrived, 0);
      pthread_t thread;
      pthread_create(&thread, NULL, fresh_worker, NULL);
      main_side();
      pthread_join(thread, NULL);
      double took = now_ms() - start;
      total += took;
      if (took > worst) worst = took;
    }
    printf("fresh thread per graph: mean %.3f ms, worst %.3f ms\n", total / GRAPHS, worst);
  }
  atomic_store(&keep_running, 1);
  pthread_t kept;
  pthread_create(&kept, NULL, kept_worker, NULL);
  for (int round = 0; round < 3; round++) {
    double total = 0, worst = 0;
    for (int g = 0; g < GRAPHS; g++) {
      double start = now_ms();
      atomic_store(&arrived, 0);
      atomic_fetch_add(&graph_started, 1);
      main_side();
      double took = now_ms() - start;
      total += took;
      if (took > worst) worst = took;
    }
    printf("kept thread:            mean %.3f ms, worst %.3f ms\n", total / GRAPHS, worst);
  }
  atomic_store(&keep_running, 0);
  atomic_fetch_add(&graph_started, 1);
  pthread_join(kept, NULL);
  return 0;
}
