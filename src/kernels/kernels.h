/* kernels.h — the hot loops of Scorefield, each as a scalar twin and a SIMD128 twin.
 *
 * Everything the net, the losses and the optimiser spend their time in lives here and nowhere else:
 * the layer product (GEMM), the softplus activation with its derivative and its backward step, an
 * elementwise product, a sum of rows, a transpose, dot products of rows and the Adam update. Each kernel exists as
 * `sf_f32_<op>_scalar` (plain C, the reference) and `sf_f32_<op>_simd128` (wasm_simd128.h
 * intrinsics; natively compiled through SIMDe, see simd128.h).
 *
 * The twins are specified to agree BIT FOR BIT, not approximately: every output element is computed
 * by the same sequence of IEEE float operations in both (sums run in the same order, no fused
 * multiply-add; build with -ffp-contract=off). That is why the GEMM below is the "axpy" form that
 * accumulates each output element over k in order, and why the activation uses our own exp/log1p
 * polynomials instead of libm. So a wasm SIMD build, a wasm scalar build and a native build of the same
 * sources give the same losses and parameters, and the tests can compare them exactly.
 *
 * Callers reach the kernels through an `sf_kernels` table so that one binary can run either set
 * (the model picks one at creation; SF_FORCE_SCALAR at compile time removes the SIMD set).
 *
 * Contract: sizes are >= 0 (0 is a no-op), pointers are valid for the sizes given, outputs may alias
 * inputs only where a kernel says so. Kernels never read or write past the sizes given.
 */
#ifndef SF_KERNELS_H
#define SF_KERNELS_H

/* SF_HAVE_SIMD128 is 1 when the SIMD twins are compiled into this binary: under emcc -msimd128, or
 * natively when the build defines SF_SIMDE (SIMDe implements the wasm intrinsics on the host ISA). */
#if !defined(SF_FORCE_SCALAR) && (defined(__wasm_simd128__) || defined(SF_SIMDE))
#define SF_HAVE_SIMD128 1
#else
#define SF_HAVE_SIMD128 0
#endif

/* Adam's coefficients for one step t (counted from 1).
 * r1 = 1/(1 − b1^t) and r2 = 1/(1 − b2^t) are the bias corrections, computed once by the caller. */
typedef struct sf_adam_coef {
    float lr, b1, b2, eps, r1, r2;
} sf_adam_coef;

/* ---- GEMM ------------------------------------------------------------------------------------
 * C (M,N) = init + A (M,K) · B (K,N), where init(i,j) = (acc ? C[i*ldc+j] : 0) + (bias ? bias[j] : 0)
 * (computed exactly in that order), and then for k = 0 .. K−1 in order: c = c + A(i,k)·B[k*ldb+j].
 * A(i,k) is A[i*ars + k*acs]: a row-major A has (ars, acs) = (lda, 1); passing (1, lda) multiplies by
 * the transpose of a row-major (K,M) matrix, which is how the backward pass forms Xᵀ·dZ.
 * B and C are row-major with row strides ldb and ldc. C must not overlap A, B or bias. */
void sf_f32_gemm_scalar(float *C, const float *A, const float *B, const float *bias, int M, int N, int K, int ars,
                        int acs, int ldb, int ldc, int acc);
void sf_f32_gemm_simd128(float *C, const float *A, const float *B, const float *bias, int M, int N, int K, int ars,
                         int acs, int ldb, int ldc, int acc);

/* ---- Activation ------------------------------------------------------------------------------
 * a = softplus(z) = log(1 + eᶻ) and s = sigmoid(z) = 1/(1 + e⁻ᶻ), elementwise, from one exponential
 * e = exp(−|z|), flushed to 0 for |z| > 20: a = max(z, 0) + log1p(e), s = z >= 0 ? 1/(1 + e) :
 * e/(1 + e). The flush keeps every e a normal float far from the subnormals its products would
 * otherwise reach (x86 slows ~100× on those); it costs an absolute error below 2.1e-9. `s` may alias `z`
 * (the net overwrites the pre-activation with the sigmoid it needs for the backward pass).
 * Accuracy against libm in double is stated and tested in tests/c/test_kernels.c. */
void sf_f32_softplus_sigmoid_scalar(float *a, float *s, const float *z, int n);
void sf_f32_softplus_sigmoid_simd128(float *a, float *s, const float *z, int n);

/* The backward step through h = softplus(z) for a stack of 1 + K blocks of n elements (block 0 the
 * primal, block k the tangent k; see net/mlp.h), in place on d, elementwise, in this order:
 *   K = 0:  d0 = d0·s
 *   K > 0:  t = d1·ż1,  then t = t + dk·żk for k = 2 .. K (each product rounded first, no fused
 *           multiply-add),  d0 = d0·s + t·(s·(1 − s)),  then dk = dk·s for k = 1 .. K
 * where d holds the adjoints [dh; dḣ_1 … dḣ_K] on entry and [dz; dż_1 … dż_K] on return, and zs holds
 * [s; ż_1 … ż_K] with s = sigmoid(z) = softplus'(z) and s·(1 − s) = softplus''(z): t is the tangent
 * streams' second-order term Σₖ dḣ_k·ż_k. Block k of d is d[k·n ...], of zs zs[k·n ...]; d must not
 * overlap zs. */
void sf_f32_softplus_backward_scalar(float *d, const float *zs, int n, int K);
void sf_f32_softplus_backward_simd128(float *d, const float *zs, int n, int K);

/* ---- Elementwise and data movement -----------------------------------------------------------
 * mul:       out = x·y, elementwise over n (out may alias x or y)
 * add_rows:  out (n) = out + x_0 + x_1 + … + x_{rows−1}, added in that order, where row r of x is
 *            x[r·ldx ...] (the bias gradient: the sum of a block of adjoint rows); out must not
 *            overlap x
 * transpose: out (cols, rows) = in (rows, cols)ᵀ, out[j·ldo + i] = in[i·ldi + j]; no overlap */
void sf_f32_mul_scalar(float *out, const float *x, const float *y, int n);
void sf_f32_mul_simd128(float *out, const float *x, const float *y, int n);
void sf_f32_add_rows_scalar(float *out, const float *x, int rows, int n, int ldx);
void sf_f32_add_rows_simd128(float *out, const float *x, int rows, int n, int ldx);
void sf_f32_transpose_scalar(float *out, const float *in, int rows, int cols, int ldi, int ldo);
void sf_f32_transpose_simd128(float *out, const float *in, int rows, int cols, int ldi, int ldo);

/* ---- Row dot products -----------------------------------------------------------------------
 * dot_rows: Σ over rows r = 0 .. rows−1, in that order and in double, of the float dot product of
 * row r of x and of y (row r at x + r·ld, y + r·ld, n elements each). Each row's dot is summed in a
 * fixed order that four SIMD lanes can follow: a_l = +0, then a_l = a_l + x_j·y_j for j ≡ l (mod 4),
 * j < n4 = n − n%4, in increasing j (each product rounded first); then t = (a_0 + a_1) + (a_2 + a_3),
 * then t = t + x_j·y_j for j = n4 .. n−1; the row contributes (double)t. */
double sf_f32_dot_rows_scalar(const float *x, const float *y, int rows, int n, int ld);
double sf_f32_dot_rows_simd128(const float *x, const float *y, int rows, int n, int ld);
/* One row's float dot in that order: the twins' shared per-row tail (private to kernels/). */
float sf__f32_dot_row(const float *x, const float *y, int n);

/* ---- Adam ------------------------------------------------------------------------------------
 * One bias-corrected Adam step (Kingma & Ba; the form of jax.example_libraries.optimizers.adam):
 *   m1 = b1·m0 + (1 − b1)·g
 *   v1 = b2·v0 + (1 − b2)·(g·g)
 *   p1 = p0 − (lr·(m1·r1)) / (sqrt(v1·r2) + eps)
 * evaluated in exactly that order, with (1 − b1) and (1 − b2) rounded to float once. Out of place so
 * that a step can be thrown away; the outputs may alias their own inputs (p1 = p0, ...) but not g.
 * Returns Σ (p1 − p1) + (v1 − v1) over all elements: 0 when every new parameter and second moment is
 * finite, a NaN otherwise (a non-finite g always shows up in p1 or v1). NaN inputs give NaN outputs;
 * which NaN bits is not promised. */
float sf_f32_adam_scalar(float *p1, float *m1, float *v1, const float *p0, const float *m0, const float *v0,
                         const float *g, int n, sf_adam_coef c);
float sf_f32_adam_simd128(float *p1, float *m1, float *v1, const float *p0, const float *m0, const float *v0,
                          const float *g, int n, sf_adam_coef c);

/* ---- The table the rest of the library calls through -------------------------------------- */
typedef struct sf_kernels {
    const char *name; /* "scalar" or "simd128" */
    void (*gemm)(float *C, const float *A, const float *B, const float *bias, int M, int N, int K, int ars, int acs,
                 int ldb, int ldc, int acc);
    void (*softplus_sigmoid)(float *a, float *s, const float *z, int n);
    void (*softplus_backward)(float *d, const float *zs, int n, int K);
    void (*mul)(float *out, const float *x, const float *y, int n);
    void (*add_rows)(float *out, const float *x, int rows, int n, int ldx);
    void (*transpose)(float *out, const float *in, int rows, int cols, int ldi, int ldo);
    double (*dot_rows)(const float *x, const float *y, int rows, int n, int ld);
    float (*adam)(float *p1, float *m1, float *v1, const float *p0, const float *m0, const float *v0, const float *g,
                  int n, sf_adam_coef c);
} sf_kernels;

extern const sf_kernels sf_kernels_scalar;
#if SF_HAVE_SIMD128
extern const sf_kernels sf_kernels_simd128;
#endif

#endif
