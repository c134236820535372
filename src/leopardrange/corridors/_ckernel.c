/* Cost-distance kernel, compiled ahead of time (when the package is installed).
 *
 * The same algorithm as the numba kernel (_kernel_numba.py; documented in _kernel.py), written
 * in C99 so that the first cost-distance run after installation does not wait for a JIT
 * compiler. It is a plain shared library without the Python C API, loaded with ctypes by
 * _kernel_c.py; hatch_build.py compiles it with
 *
 *     cc -O3 -std=c99 -ffp-contract=off -fPIC -shared -DLR_SOURCE_HASH='"…"' _ckernel.c
 *
 * -ffp-contract=off keeps every multiply and add rounded on its own, as numba does, so both
 * kernels give bit-identical distances. LR_SOURCE_HASH identifies the sources it was built
 * from, so that a library older than its sources is never used.
 */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef LR_SOURCE_HASH
#define LR_SOURCE_HASH "unknown"
#endif

#if defined(_WIN32)
#define LR_EXPORT __declspec(dllexport)
#else
#define LR_EXPORT __attribute__((visibility("default")))
#endif

#define CAT_(a, b) a##_##b
#define CAT(a, b) CAT_(a, b)

enum { LR_OK = 0, LR_POOL_FULL = 1, LR_NO_MEMORY = 2 };

/* Version of the functions' signatures: _kernel_c.py refuses a library of another ABI. */
LR_EXPORT int64_t lr_abi(void) { return 1; }

/* SHA-256 (first 16 hex digits) of _ckernel.c and _ckernel_body.h at compile time. */
LR_EXPORT const char *lr_source_hash(void) { return LR_SOURCE_HASH; }

/* Free a buffer returned by lr_trace_*. */
LR_EXPORT void lr_free(void *p) { free(p); }

#define VT float
#define BT int32_t
#define INFB ((int32_t)0x7F800000)
#define SFX f32
#include "_ckernel_body.h"
#undef VT
#undef BT
#undef INFB
#undef SFX

#define VT double
#define BT int64_t
#define INFB ((int64_t)0x7FF0000000000000LL)
#define SFX f64
#include "_ckernel_body.h"
#undef VT
#undef BT
#undef INFB
#undef SFX

/* Least-cost path: walk from ``start`` down the cost-distance surface to a source (cost 0).
 * At each cell v the predecessor is the neighbour u minimising cwd[u] + w(u, v) among those
 * with 0 <= cwd[u] < cwd[v]. Writes a malloc'd array of flat indices (start first) to *out
 * and returns its length: 0 when the walk gets stuck, -1 when out of memory. */
#define TRACE(CT, CN, RT, RN)                                                                  \
    LR_EXPORT int64_t CAT(CAT(lr_trace, CN), RN)(                                              \
        const CT *cwd, const RT *res, double nodata, int32_t nodata_is_nan, int64_t nrows,     \
        int64_t ncols, int64_t start, const int64_t *drc, const double *length,                \
        const int64_t *cross_a, const int64_t *cross_b, int64_t n_moves, int64_t **out) {      \
        int64_t cap = 1024, n = 0, v = start, limit = nrows * ncols;                           \
        int64_t *buf = malloc((size_t)cap * sizeof *buf);                                      \
        *out = NULL;                                                                           \
        if (!buf) return -1;                                                                   \
        for (;;) {                                                                             \
            if (n == cap) {                                                                    \
                int64_t *grown = realloc(buf, (size_t)(2 * cap) * sizeof *buf);                \
                if (!grown) {                                                                  \
                    free(buf);                                                                 \
                    return -1;                                                                 \
                }                                                                              \
                buf = grown;                                                                   \
                cap *= 2;                                                                      \
            }                                                                                  \
            buf[n++] = v;                                                                      \
            double dv = (double)cwd[v];                                                        \
            if (dv == 0.0) break;                                                              \
            if (n > limit) {                                                                   \
                n = 0;                                                                         \
                break;                                                                         \
            }                                                                                  \
            int64_t r0 = v / ncols, c0 = v - (v / ncols) * ncols;                              \
            double best = INFINITY, rv = (double)res[v];                                       \
            int64_t best_u = -1;                                                               \
            for (int64_t k = 0; k < n_moves; k++) {                                            \
                int64_t rr = r0 + drc[2 * k], cc = c0 + drc[2 * k + 1];                        \
                if (rr < 0 || rr >= nrows || cc < 0 || cc >= ncols) continue;                  \
                int64_t u = rr * ncols + cc;                                                   \
                double du = (double)cwd[u];                                                    \
                if (!(0.0 <= du && du < dv)) continue;                                         \
                double ru = (double)res[u];                                                    \
                if ((nodata_is_nan && ru != ru) || ru == nodata) continue;                     \
                double w;                                                                      \
                if (k < 8) {                                                                   \
                    w = (ru + rv) * 0.5 * length[k];                                           \
                } else {                                                                       \
                    double ra = (double)res[(r0 + cross_a[2 * k]) * ncols + c0 +               \
                                            cross_a[2 * k + 1]];                               \
                    double rb = (double)res[(r0 + cross_b[2 * k]) * ncols + c0 +               \
                                            cross_b[2 * k + 1]];                               \
                    if ((nodata_is_nan && (ra != ra || rb != rb)) || ra == nodata ||           \
                        rb == nodata)                                                          \
                        continue;                                                              \
                    w = (ru + rv + ra + rb) * 0.25 * length[k];                                \
                }                                                                              \
                if (du + w < best) {                                                           \
                    best = du + w;                                                             \
                    best_u = u;                                                                \
                }                                                                              \
            }                                                                                  \
            if (best_u < 0) {                                                                  \
                n = 0;                                                                         \
                break;                                                                         \
            }                                                                                  \
            v = best_u;                                                                        \
        }                                                                                      \
        *out = buf;                                                                            \
        return n;                                                                              \
    }

TRACE(float, f32, float, f32)
TRACE(float, f32, double, f64)
TRACE(double, f64, float, f32)
TRACE(double, f64, double, f64)
#undef TRACE
