//! The two leading principal components of a column-centred sparse vote matrix, by subspace
//! iteration, without ever forming a dense participants × statements matrix.

use super::kmeans::Point;

/// The centred vote matrix C in compressed sparse row form: row i holds cᵢⱼ = xᵢⱼ − μⱼ for the
/// statements j participant i voted on; every other entry is 0 (mean imputation).
#[derive(Debug, Clone)]
pub(crate) struct CenteredVotes {
    pub(crate) row_starts: Vec<usize>,
    pub(crate) columns: Vec<u32>,
    /// Raw votes (+1, 0, −1), parallel to `columns`.
    pub(crate) raw: Vec<i8>,
    /// Centred values, parallel to `columns`.
    pub(crate) centered: Vec<f64>,
    pub(crate) column_means: Vec<f64>,
}

impl CenteredVotes {
    /// Builds C from rows of (column, raw vote) sorted by column.
    pub(crate) fn new(
        n_columns: usize,
        row_starts: Vec<usize>,
        columns: Vec<u32>,
        raw: Vec<i8>,
    ) -> Self {
        let mut sums = vec![0.0f64; n_columns];
        let mut counts = vec![0u32; n_columns];
        for (&c, &v) in columns.iter().zip(&raw) {
            sums[c as usize] += f64::from(v);
            counts[c as usize] += 1;
        }
        let column_means: Vec<f64> = sums
            .iter()
            .zip(&counts)
            .map(|(&s, &n)| if n > 0 { s / f64::from(n) } else { 0.0 })
            .collect();
        let centered = columns
            .iter()
            .zip(&raw)
            .map(|(&c, &v)| f64::from(v) - column_means[c as usize])
            .collect();
        Self {
            row_starts,
            columns,
            raw,
            centered,
            column_means,
        }
    }

    pub(crate) fn n_rows(&self) -> usize {
        self.row_starts.len() - 1
    }

    pub(crate) fn n_columns(&self) -> usize {
        self.column_means.len()
    }

    pub(crate) fn row(&self, i: usize) -> std::ops::Range<usize> {
        self.row_starts[i]..self.row_starts[i + 1]
    }

    /// Row i of C times the two columns of `v`.
    fn row_times(&self, i: usize, v: &[Point]) -> Point {
        let range = self.row(i);
        let mut acc = [0.0f64; 2];
        for (&c, &x) in self.columns[range.clone()]
            .iter()
            .zip(&self.centered[range])
        {
            let vj = v[c as usize];
            acc[0] += x * vj[0];
            acc[1] += x * vj[1];
        }
        acc
    }

    /// U = C·V, one row per participant.
    pub(crate) fn times(&self, v: &[Point]) -> Vec<Point> {
        (0..self.n_rows()).map(|i| self.row_times(i, v)).collect()
    }

    /// W = Cᵀ·(C·V), in one pass over the votes; also returns UᵀU for U = C·V.
    fn gram_times(&self, v: &[Point], w: &mut [Point]) -> [f64; 3] {
        w.fill([0.0; 2]);
        let mut utu = [0.0f64; 3];
        for i in 0..self.n_rows() {
            let u = self.row_times(i, v);
            utu[0] += u[0] * u[0];
            utu[1] += u[0] * u[1];
            utu[2] += u[1] * u[1];
            let range = self.row(i);
            for (&c, &x) in self.columns[range.clone()]
                .iter()
                .zip(&self.centered[range])
            {
                let wj = &mut w[c as usize];
                wj[0] += x * u[0];
                wj[1] += x * u[1];
            }
        }
        utu
    }
}

/// The result of [`leading_components`].
#[derive(Debug, Clone)]
pub(crate) struct Components {
    /// Per column: (first component, second component); both unit length and orthogonal.
    pub(crate) vectors: Vec<Point>,
    /// The Rayleigh quotients of CᵀC for the two vectors, largest first.
    pub(crate) eigenvalues: [f64; 2],
    pub(crate) iterations: usize,
    pub(crate) converged: bool,
}

fn dot(v: &[Point], a: usize, b: usize) -> f64 {
    v.iter().map(|p| p[a] * p[b]).sum()
}

/// Makes the two columns of `v` orthonormal (modified Gram–Schmidt). A column that is (nearly)
/// dependent is replaced by `fallback`'s column made orthogonal, and failing that by the unit
/// vector on which the first column is smallest. Needs at least two rows.
fn orthonormalise(v: &mut [Point], fallback: &[Point]) {
    let norm0 = dot(v, 0, 0).sqrt();
    if norm0 > f64::MIN_POSITIVE && norm0.is_finite() {
        v.iter_mut().for_each(|p| p[0] /= norm0);
    } else {
        for (p, f) in v.iter_mut().zip(fallback) {
            p[0] = f[0];
        }
        let n = dot(v, 0, 0).sqrt();
        v.iter_mut().for_each(|p| p[0] /= n);
    }
    let scale = dot(v, 1, 1).sqrt();
    for attempt in 0..3 {
        let proj = v.iter().map(|p| p[0] * p[1]).sum::<f64>();
        v.iter_mut().for_each(|p| p[1] -= proj * p[0]);
        let norm1 = dot(v, 1, 1).sqrt();
        if norm1 > 1e-10 * scale.max(f64::MIN_POSITIVE) && norm1 > f64::MIN_POSITIVE {
            v.iter_mut().for_each(|p| p[1] /= norm1);
            return;
        }
        if attempt == 0 {
            for (p, f) in v.iter_mut().zip(fallback) {
                p[1] = f[1];
            }
        } else {
            let smallest = v
                .iter()
                .enumerate()
                .min_by(|a, b| a.1[0].abs().total_cmp(&b.1[0].abs()))
                .map_or(0, |(i, _)| i);
            v.iter_mut().for_each(|p| p[1] = 0.0);
            v[smallest][1] = 1.0;
        }
    }
}

/// Eigen-decomposition of the symmetric 2×2 matrix [[a, b], [b, c]]: eigenvalues largest first
/// and the unit eigenvector of the largest.
fn symmetric_eigen(a: f64, b: f64, c: f64) -> ([f64; 2], [f64; 2]) {
    let mean = (a + c) / 2.0;
    let radius = (((a - c) / 2.0).powi(2) + b * b).sqrt();
    let (l1, l2) = (mean + radius, mean - radius);
    let q = if b.abs() <= f64::EPSILON * (a.abs() + c.abs()) {
        if a >= c { [1.0, 0.0] } else { [0.0, 1.0] }
    } else {
        // Of the two equivalent forms, the one with the larger entries is the more accurate.
        let first = [l1 - c, b];
        let second = [b, l1 - a];
        let pick = if first[0].hypot(first[1]) >= second[0].hypot(second[1]) {
            first
        } else {
            second
        };
        let n = pick[0].hypot(pick[1]);
        [pick[0] / n, pick[1] / n]
    };
    ([l1, l2], q)
}

/// The top two eigenvectors of CᵀC by subspace iteration with a Rayleigh–Ritz rotation each step,
/// starting from `start` (one point per column). Stops when the spanned subspace moves less than
/// `tolerance` (Frobenius norm of sin Θ) or after `max_iterations`. Needs at least two columns.
pub(crate) fn leading_components(
    matrix: &CenteredVotes,
    start: Vec<Point>,
    max_iterations: usize,
    tolerance: f64,
) -> Components {
    let m = matrix.n_columns();
    let mut v = start;
    let fallback = v.clone();
    orthonormalise(&mut v, &fallback);
    let mut w = vec![[0.0f64; 2]; m];
    let mut eigenvalues = [0.0; 2];
    let mut iterations = 0;
    let mut converged = false;
    while iterations < max_iterations {
        iterations += 1;
        // H = Vᵀ CᵀC V = UᵀU; rotate V and W = CᵀC V by H's eigenvectors.
        let h = matrix.gram_times(&v, &mut w);
        let (lambda, q) = symmetric_eigen(h[0], h[1], h[2]);
        eigenvalues = lambda;
        let rotate = |p: &mut Point| {
            let (x, y) = (p[0], p[1]);
            *p = [q[0] * x + q[1] * y, -q[1] * x + q[0] * y];
        };
        v.iter_mut().for_each(rotate);
        w.iter_mut().for_each(rotate);
        if lambda[0] <= f64::MIN_POSITIVE {
            // C is zero: every direction is an eigenvector.
            converged = true;
            break;
        }
        orthonormalise(&mut w, &v);
        // ‖sin Θ‖²_F = 2 − ‖VᵀW‖²_F for orthonormal 2-column V and W.
        let mut overlap = [0.0f64; 4];
        for (a, b) in v.iter().zip(&w) {
            overlap[0] += a[0] * b[0];
            overlap[1] += a[0] * b[1];
            overlap[2] += a[1] * b[0];
            overlap[3] += a[1] * b[1];
        }
        let frobenius2: f64 = overlap.iter().map(|x| x * x).sum();
        let moved = (2.0 - frobenius2).max(0.0).sqrt();
        std::mem::swap(&mut v, &mut w);
        if moved < tolerance {
            converged = true;
            break;
        }
    }
    // Final Rayleigh–Ritz so the vectors, not just their span, are the best estimates.
    let h = matrix.gram_times(&v, &mut w);
    let (lambda, q) = symmetric_eigen(h[0], h[1], h[2]);
    if lambda[0] > f64::MIN_POSITIVE {
        eigenvalues = lambda;
        v.iter_mut().for_each(|p| {
            let (x, y) = (p[0], p[1]);
            *p = [q[0] * x + q[1] * y, -q[1] * x + q[0] * y];
        });
        let fallback = v.clone();
        orthonormalise(&mut v, &fallback);
    }
    for component in 0..2 {
        // Sign: the largest-magnitude entry (first on ties) is positive.
        let mut largest = 0;
        for (j, p) in v.iter().enumerate() {
            if p[component].abs() > v[largest][component].abs() {
                largest = j;
            }
        }
        if v[largest][component] < 0.0 {
            v.iter_mut().for_each(|p| p[component] = -p[component]);
        }
    }
    Components {
        vectors: v,
        eigenvalues: [eigenvalues[0].max(0.0), eigenvalues[1].max(0.0)],
        iterations,
        converged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(rows: &[&[i8]]) -> CenteredVotes {
        let mut row_starts = vec![0];
        let mut columns = Vec::new();
        let mut raw = Vec::new();
        for row in rows {
            for (j, &x) in row.iter().enumerate() {
                columns.push(j as u32);
                raw.push(x);
            }
            row_starts.push(columns.len());
        }
        CenteredVotes::new(rows[0].len(), row_starts, columns, raw)
    }

    #[test]
    fn components_match_a_dense_eigen_decomposition() {
        // Complete 4 × 3 matrix: C is dense here, so CᵀC can be checked directly.
        let c = matrix(&[&[1, 1, -1], &[1, 0, -1], &[-1, -1, 1], &[0, -1, 1]]);
        let start = vec![[0.3, -0.2], [0.1, 0.9], [-0.5, 0.4]];
        let result = leading_components(&c, start, 1000, 1e-12);
        assert!(result.converged);
        // Build CᵀC densely and check CᵀC v = λ v for both vectors.
        let mut gram = [[0.0; 3]; 3];
        for i in 0..c.n_rows() {
            let range = c.row(i);
            for a in range.clone() {
                for b in range.clone() {
                    gram[c.columns[a] as usize][c.columns[b] as usize] +=
                        c.centered[a] * c.centered[b];
                }
            }
        }
        for k in 0..2 {
            for row in 0..3 {
                let gv: f64 = (0..3).map(|j| gram[row][j] * result.vectors[j][k]).sum();
                let lv = result.eigenvalues[k] * result.vectors[row][k];
                assert!(
                    (gv - lv).abs() < 1e-8,
                    "component {k}, row {row}: {gv} vs {lv}"
                );
            }
        }
        assert!(result.eigenvalues[0] >= result.eigenvalues[1]);
    }

    #[test]
    fn rank_one_data_still_gives_orthonormal_components() {
        let c = matrix(&[&[1, 1], &[-1, -1], &[1, 1]]);
        let result = leading_components(&c, vec![[1.0, 0.0], [0.0, 1.0]], 100, 1e-12);
        let n0 = dot(&result.vectors, 0, 0);
        let n1 = dot(&result.vectors, 1, 1);
        let d = dot(&result.vectors, 0, 1);
        assert!((n0 - 1.0).abs() < 1e-12 && (n1 - 1.0).abs() < 1e-12 && d.abs() < 1e-12);
        assert!(
            result.eigenvalues[1].abs() < 1e-9,
            "{:?}",
            result.eigenvalues
        );
    }

    #[test]
    fn symmetric_eigen_of_a_diagonal_and_a_full_matrix() {
        assert_eq!(symmetric_eigen(1.0, 0.0, 3.0), ([3.0, 1.0], [0.0, 1.0]));
        let ([l1, l2], q) = symmetric_eigen(2.0, 1.0, 2.0);
        assert!((l1 - 3.0).abs() < 1e-12 && (l2 - 1.0).abs() < 1e-12);
        assert!((q[0] - q[1]).abs() < 1e-12);
    }
}
