/* Cost-distance kernel, one cell-array type: included by _ckernel.c once per type.
 *
 * Before including, define:
 *   VT   the cell-array float type (float or double)
 *   BT   the signed integer type of the same width (int32_t or int64_t)
 *   INFB the bit pattern of +inf in VT, as a BT
 *   SFX  the suffix of the function names (f32 or f64)
 *
 * The algorithm, the cell encoding and the move costs are those of _kernel_numba.py, line for
 * line (see _kernel.py); the cell array is read and written only through its integer bits, so
 * there is no type punning through pointers.
 */

#define FN(name) CAT(name, SFX)

static inline BT FN(bits_of)(VT x) {
    BT b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static inline VT FN(val_of)(BT b) {
    VT x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* One tentative cell of the frontier: exact distance, resistance, position, bucket links. */
typedef struct {
    double d;
    VT r;
    int32_t row, col, next, prev, key;
} FN(slot_t);

/* Put slot s at the head of the bucket list ``bucket`` (an index already masked). */
static inline void FN(bucket_push)(FN(slot_t) * pool, int64_t *head, int64_t s, int64_t bucket) {
    int64_t h = head[bucket];
    pool[s].next = (int32_t)h;
    pool[s].prev = -1;
    if (h != -1) pool[h].prev = (int32_t)s;
    head[bucket] = s;
    pool[s].key = (int32_t)bucket;
}

static void FN(sift_up)(int64_t *heap, int64_t *p_key, const double *p_d, int64_t pos) {
    int64_t s = heap[pos];
    double d = p_d[s];
    while (pos > 0) {
        int64_t parent = (pos - 1) >> 1;
        int64_t t = heap[parent];
        if (p_d[t] <= d) break;
        heap[pos] = t;
        p_key[t] = pos;
        pos = parent;
    }
    heap[pos] = s;
    p_key[s] = pos;
}

static void FN(sift_down)(int64_t *heap, int64_t *p_key, const double *p_d, int64_t size) {
    int64_t pos = 0;
    int64_t s = heap[0];
    double d = p_d[s];
    for (;;) {
        int64_t child = 2 * pos + 1;
        if (child >= size) break;
        if (child + 1 < size && p_d[heap[child + 1]] < p_d[heap[child]]) child += 1;
        int64_t t = heap[child];
        if (p_d[t] >= d) break;
        heap[pos] = t;
        p_key[t] = pos;
        pos = child;
    }
    heap[pos] = s;
    p_key[s] = pos;
}

/* Multi-source Dijkstra on the encoded cell array ``ib``, in place.
 * Returns LR_OK, LR_POOL_FULL or LR_NO_MEMORY; *n_ok receives the sources on passable cells. */
LR_EXPORT int64_t FN(lr_solve)(BT *ib, const VT *res, int64_t nrows, int64_t ncols, int64_t *src_idx,
                     int64_t n_src, const int64_t *drc, const double *length,
                     const int64_t *cross_a, const int64_t *cross_b, int64_t n_moves,
                     double delta, int64_t nbuckets, int32_t use_heap, double max_cost,
                     int64_t slot_limit, int64_t *n_ok_out) {
    int64_t off[16], off_a[16], off_b[16];
    double wfac[16];
    int64_t status = LR_OK;
    *n_ok_out = 0;
    if (n_moves > 16) return LR_NO_MEMORY;
    for (int64_t k = 0; k < n_moves; k++) {
        off[k] = drc[2 * k] * ncols + drc[2 * k + 1];
        off_a[k] = cross_a[2 * k] * ncols + cross_a[2 * k + 1];
        off_b[k] = cross_b[2 * k] * ncols + cross_b[2 * k + 1];
        /* edge weight = (sum of the resistances averaged) x step length */
        wfac[k] = length[k] * (k < 8 ? 0.5 : 0.25);
    }
    const int64_t margin = n_moves > 8 ? 2 : 1;
    const BT tag_unreach = INFB + 1;
    const BT tag0 = INFB + 2;
    const double inv_delta = 1.0 / delta;
    const int64_t mask = nbuckets - 1;

    int64_t cap = (int64_t)1 << 12;
    FN(slot_t) *pool = malloc((size_t)cap * sizeof *pool);
    int64_t *head = malloc((size_t)(use_heap ? 1 : nbuckets) * sizeof *head);
    int64_t hcap = use_heap ? cap : 1;
    int64_t *heap = malloc((size_t)hcap * sizeof *heap);
    int64_t *p_key = malloc((size_t)hcap * sizeof *p_key);
    double *p_d = malloc((size_t)hcap * sizeof *p_d);
    double *src_r = malloc((size_t)(n_src > 0 ? n_src : 1) * sizeof *src_r);
    if (!pool || !head || !heap || !p_key || !p_d || !src_r) {
        status = LR_NO_MEMORY;
        goto done;
    }
    for (int64_t i = 0; i < (use_heap ? 1 : nbuckets); i++) head[i] = -1;
    int64_t used = 0, free_head = -1, queued = 0;

    /* sources: final 0, expanded first (they never relax each other) */
    int64_t n_ok = 0;
    for (int64_t i = 0; i < n_src; i++) {
        int64_t s = src_idx[i];
        if (ib[s] < 0) { /* passable and not a duplicate */
            src_r[n_ok] = -(double)FN(val_of)(ib[s]);
            ib[s] = FN(bits_of)((VT)0.0);
            src_idx[n_ok] = s; /* compact the usable sources to the front */
            n_ok++;
        }
    }
    *n_ok_out = n_ok;
    if (n_ok == 0) goto done;

    int64_t k_cur = 0, i_src = 0;
    for (;;) {
        int64_t u, r0, c0;
        double d, ru;
        /* ---- next cell to expand: sources first, then the queue ---------------- */
        if (i_src < n_ok) {
            u = src_idx[i_src];
            r0 = u / ncols;
            c0 = u - r0 * ncols;
            d = 0.0;
            ru = src_r[i_src];
            i_src++;
        } else {
            int64_t s;
            if (queued == 0) break;
            if (use_heap) {
                s = heap[0];
                queued--;
                if (queued > 0) {
                    heap[0] = heap[queued];
                    p_key[heap[0]] = 0;
                    FN(sift_down)(heap, p_key, p_d, queued);
                }
            } else {
                while (head[k_cur & mask] == -1) k_cur++;
                if ((double)k_cur * delta > max_cost) break;
                s = head[k_cur & mask];
                int64_t nx = pool[s].next;
                head[k_cur & mask] = nx;
                if (nx != -1) pool[nx].prev = -1;
                queued--;
            }
            d = pool[s].d;
            ru = (double)pool[s].r;
            r0 = pool[s].row;
            c0 = pool[s].col;
            u = r0 * ncols + c0;
            pool[s].next = (int32_t)free_head;
            free_head = s;
            if (d > max_cost) {
                ib[u] = tag_unreach; /* its slot is free: never read it again */
                if (use_heap) break; /* everything left is farther still */
                continue;
            }
            ib[u] = FN(bits_of)((VT)d);
        }

        /* ---- relax the neighbours of u ------------------------------------------- */
        int interior = margin <= r0 && r0 < nrows - margin && margin <= c0 && c0 < ncols - margin;
        for (int64_t k = 0; k < n_moves; k++) {
            if (!interior) {
                int64_t rr = r0 + drc[2 * k], cc = c0 + drc[2 * k + 1];
                if (rr < 0 || rr >= nrows || cc < 0 || cc >= ncols) continue;
            }
            int64_t v = u + off[k];
            BT b = ib[v];
            if ((0 <= b && b <= INFB) || b == tag_unreach) continue; /* done, impassable, far */
            double rsum;
            if (k < 8) {
                rsum = ru;
            } else {
                double ra = (double)res[u + off_a[k]];
                double rb = (double)res[u + off_b[k]];
                if (ra != ra || rb != rb) continue; /* never crosses an impassable cell */
                rsum = ru + ra + rb;
            }
            if (b < 0) { /* first reached: open a frontier slot */
                double rv = -(double)FN(val_of)(b);
                double nd = d + (rsum + rv) * wfac[k];
                int64_t s2;
                if (free_head != -1) {
                    s2 = free_head;
                    free_head = pool[s2].next;
                } else {
                    if (used == cap) {
                        cap *= 2;
                        FN(slot_t) *grown = realloc(pool, (size_t)cap * sizeof *pool);
                        if (!grown) {
                            status = LR_NO_MEMORY;
                            goto done;
                        }
                        pool = grown;
                        if (use_heap) {
                            int64_t *h2 = realloc(heap, (size_t)cap * sizeof *heap);
                            if (h2) heap = h2;
                            int64_t *k2 = realloc(p_key, (size_t)cap * sizeof *p_key);
                            if (k2) p_key = k2;
                            double *d2 = realloc(p_d, (size_t)cap * sizeof *p_d);
                            if (d2) p_d = d2;
                            if (!h2 || !k2 || !d2) {
                                status = LR_NO_MEMORY;
                                goto done;
                            }
                        }
                    }
                    s2 = used;
                    used++;
                    if (s2 > slot_limit) {
                        status = LR_POOL_FULL;
                        goto done;
                    }
                }
                pool[s2].d = nd;
                pool[s2].r = (VT)rv;
                pool[s2].row = (int32_t)(r0 + drc[2 * k]);
                pool[s2].col = (int32_t)(c0 + drc[2 * k + 1]);
                ib[v] = (BT)(tag0 + s2);
                if (use_heap) {
                    p_d[s2] = nd;
                    heap[queued] = s2;
                    p_key[s2] = queued;
                    FN(sift_up)(heap, p_key, p_d, queued);
                } else {
                    int64_t bk = (int64_t)(nd * inv_delta);
                    if (bk <= k_cur) bk = k_cur + 1;
                    FN(bucket_push)(pool, head, s2, bk & mask);
                }
                queued++;
            } else { /* tentative: keep the shorter distance */
                int64_t s2 = (int64_t)(b - tag0);
                double nd = d + (rsum + (double)pool[s2].r) * wfac[k];
                if (nd < pool[s2].d) {
                    pool[s2].d = nd;
                    if (use_heap) {
                        p_d[s2] = nd;
                        FN(sift_up)(heap, p_key, p_d, p_key[s2]);
                    } else {
                        int64_t bk = (int64_t)(nd * inv_delta);
                        if (bk <= k_cur) bk = k_cur + 1;
                        int64_t old = pool[s2].key;
                        if ((bk & mask) != old) {
                            int64_t pv = pool[s2].prev, nx = pool[s2].next;
                            if (pv != -1)
                                pool[pv].next = (int32_t)nx;
                            else
                                head[old] = nx;
                            if (nx != -1) pool[nx].prev = (int32_t)pv;
                            FN(bucket_push)(pool, head, s2, bk & mask);
                        }
                    }
                }
            }
        }
    }
done:
    free(pool);
    free(head);
    free(heap);
    free(p_key);
    free(p_d);
    free(src_r);
    return status;
}

/* Turn the states of cells start:stop into output values, in place (see _kernel_numba). */
LR_EXPORT void FN(lr_finalize)(BT *ib, int64_t start, int64_t stop, double nodata_value,
                     double unreached_value, int64_t *n_done_out, int64_t *n_nodata_out,
                     double *dmax_out) {
    int64_t n_done = 0, n_nodata = 0;
    double dmax = 0.0;
    const BT nodata_bits = FN(bits_of)((VT)nodata_value);
    const BT unreached_bits = FN(bits_of)((VT)unreached_value);
    for (int64_t i = start; i < stop; i++) {
        BT b = ib[i];
        if (0 <= b && b < INFB) {
            n_done++;
            double x = (double)FN(val_of)(b);
            if (x > dmax) dmax = x;
        } else if (b == INFB) {
            n_nodata++;
            ib[i] = nodata_bits;
        } else {
            ib[i] = unreached_bits;
        }
    }
    *n_done_out = n_done;
    *n_nodata_out = n_nodata;
    *dmax_out = dmax;
}

/* Encoding a block of resistance values of each input type into this cell array. */
#define ENCODE(BLK, BNAME)                                                                     \
    LR_EXPORT void CAT(CAT(lr_encode, BNAME), SFX)(const BLK *block, int64_t n, BT *ib, VT *res,         \
                                         int64_t n_res, double nodata, int32_t nodata_is_nan,  \
                                         int64_t start, double *stats) {                       \
        const int keep_res = n_res > 0;                                                        \
        for (int64_t i = 0; i < n; i++) {                                                      \
            double x = (double)block[i];                                                       \
            int64_t j = start + i;                                                             \
            if ((nodata_is_nan && x != x) || x == nodata) {                                    \
                ib[j] = INFB;                                                                  \
                if (keep_res) res[j] = (VT)NAN;                                                \
            } else if (x > 0.0 && x < INFINITY) {                                              \
                ib[j] = FN(bits_of)((VT)(-x));                                                 \
                if (keep_res) res[j] = (VT)x;                                                  \
                if (x < stats[3]) stats[3] = x;                                                \
                if (x > stats[4]) stats[4] = x;                                                \
            } else {                                                                           \
                if (stats[0] == 0.0) {                                                         \
                    stats[1] = (double)j;                                                      \
                    stats[2] = x;                                                              \
                }                                                                              \
                stats[0] += 1.0;                                                               \
                ib[j] = INFB;                                                                  \
                if (keep_res) res[j] = (VT)NAN;                                                \
            }                                                                                  \
        }                                                                                      \
    }

ENCODE(float, f32)
ENCODE(double, f64)
ENCODE(uint8_t, u8)
ENCODE(int8_t, i8)
ENCODE(uint16_t, u16)
ENCODE(int16_t, i16)
ENCODE(uint32_t, u32)
ENCODE(int32_t, i32)
ENCODE(uint64_t, u64)
ENCODE(int64_t, i64)
#undef ENCODE
#undef FN
