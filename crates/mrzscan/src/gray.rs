//! A grey image as ink (0 paper, 1 ink) and the few operations the reader needs.

/// An image of `width × height` ink values, row by row: 0.0 is paper, 1.0 full ink.
#[derive(Debug, Clone, PartialEq)]
pub struct Ink {
    /// Columns.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// `width × height` values in `0.0..=1.0`.
    pub px: Vec<f32>,
}

impl Ink {
    /// All paper.
    pub fn blank(width: usize, height: usize) -> Ink {
        Ink {
            width,
            height,
            px: vec![0.0; width * height],
        }
    }

    /// The ink at `(x, y)`, paper outside the image.
    pub fn at(&self, x: isize, y: isize) -> f32 {
        if x < 0 || y < 0 || x as usize >= self.width || y as usize >= self.height {
            0.0
        } else {
            self.px[y as usize * self.width + x as usize]
        }
    }

    /// Bilinear sample at a real position.
    pub fn sample(&self, x: f32, y: f32) -> f32 {
        let (x0, y0) = (x.floor(), y.floor());
        let (fx, fy) = (x - x0, y - y0);
        let (x0, y0) = (x0 as isize, y0 as isize);
        let top = self.at(x0, y0) * (1.0 - fx) + self.at(x0 + 1, y0) * fx;
        let bottom = self.at(x0, y0 + 1) * (1.0 - fx) + self.at(x0 + 1, y0 + 1) * fx;
        top * (1.0 - fy) + bottom * fy
    }

    /// From 8-bit luminance (0 black): ink is its darkness.
    pub fn from_luma(width: usize, height: usize, luma: &[u8]) -> Ink {
        Ink {
            width,
            height,
            px: luma.iter().map(|&l| 1.0 - l as f32 / 255.0).collect(),
        }
    }

    /// To 8-bit luminance.
    pub fn to_luma(&self) -> Vec<u8> {
        self.px
            .iter()
            .map(|&v| ((1.0 - v.clamp(0.0, 1.0)) * 255.0).round() as u8)
            .collect()
    }

    /// Turned by `degrees` (counter-clockwise as seen) about its centre, same size, paper
    /// where nothing comes from.
    pub fn rotated(&self, degrees: f32) -> Ink {
        let (s, c) = degrees.to_radians().sin_cos();
        let (cx, cy) = (self.width as f32 / 2.0, self.height as f32 / 2.0);
        let mut out = Ink::blank(self.width, self.height);
        for y in 0..self.height {
            for x in 0..self.width {
                let (dx, dy) = (x as f32 - cx, y as f32 - cy);
                // Where the destination pixel comes from: the inverse turn.
                let sx = c * dx - s * dy + cx;
                let sy = s * dx + c * dy + cy;
                out.px[y * self.width + x] = self.sample(sx, sy);
            }
        }
        out
    }

    /// Gaussian blur of standard deviation `sigma` pixels (separable).
    pub fn blurred(&self, sigma: f32) -> Ink {
        if sigma <= 0.0 {
            return self.clone();
        }
        let r = (sigma * 3.0).ceil() as isize;
        let kernel: Vec<f32> = (-r..=r)
            .map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp())
            .collect();
        let sum: f32 = kernel.iter().sum();
        let kernel: Vec<f32> = kernel.iter().map(|k| k / sum).collect();
        let mut tmp = Ink::blank(self.width, self.height);
        for y in 0..self.height {
            for x in 0..self.width {
                let mut v = 0.0;
                for (k, w) in kernel.iter().enumerate() {
                    let sx = (x as isize + k as isize - r).clamp(0, self.width as isize - 1);
                    v += w * self.px[y * self.width + sx as usize];
                }
                tmp.px[y * self.width + x] = v;
            }
        }
        let mut out = Ink::blank(self.width, self.height);
        for y in 0..self.height {
            for x in 0..self.width {
                let mut v = 0.0;
                for (k, w) in kernel.iter().enumerate() {
                    let sy = (y as isize + k as isize - r).clamp(0, self.height as isize - 1);
                    v += w * tmp.px[sy as usize * self.width + x];
                }
                out.px[y * self.width + x] = v;
            }
        }
        out
    }

    /// Scaled by `factor` (area average when shrinking, bilinear when growing).
    pub fn scaled(&self, factor: f32) -> Ink {
        let w = ((self.width as f32 * factor).round() as usize).max(1);
        let h = ((self.height as f32 * factor).round() as usize).max(1);
        let mut out = Ink::blank(w, h);
        if factor >= 1.0 {
            for y in 0..h {
                for x in 0..w {
                    out.px[y * w + x] = self.sample(
                        (x as f32 + 0.5) / factor - 0.5,
                        (y as f32 + 0.5) / factor - 0.5,
                    );
                }
            }
            return out;
        }
        for y in 0..h {
            let (y0, y1) = (
                (y as f32 / factor) as usize,
                (((y + 1) as f32 / factor) as usize).min(self.height),
            );
            for x in 0..w {
                let (x0, x1) = (
                    (x as f32 / factor) as usize,
                    (((x + 1) as f32 / factor) as usize).min(self.width),
                );
                let mut v = 0.0;
                let mut n = 0;
                for yy in y0..y1.max(y0 + 1).min(self.height) {
                    for xx in x0..x1.max(x0 + 1).min(self.width) {
                        v += self.px[yy * self.width + xx];
                        n += 1;
                    }
                }
                out.px[y * w + x] = if n > 0 { v / n as f32 } else { 0.0 };
            }
        }
        out
    }

    /// The threshold between paper and ink that best separates the two (Otsu's method on a
    /// 256-bin histogram).
    pub fn otsu(&self) -> f32 {
        let mut hist = [0u64; 256];
        for &v in &self.px {
            hist[(v.clamp(0.0, 1.0) * 255.0) as usize] += 1;
        }
        let total = self.px.len() as f64;
        let sum_all: f64 = hist
            .iter()
            .enumerate()
            .map(|(i, &h)| i as f64 * h as f64)
            .sum();
        let (mut w0, mut sum0, mut best, mut best_t) = (0.0f64, 0.0f64, -1.0f64, 128usize);
        for (t, &h) in hist.iter().enumerate() {
            w0 += h as f64;
            if w0 == 0.0 {
                continue;
            }
            let w1 = total - w0;
            if w1 == 0.0 {
                break;
            }
            sum0 += t as f64 * h as f64;
            let m0 = sum0 / w0;
            let m1 = (sum_all - sum0) / w1;
            let between = w0 * w1 * (m0 - m1) * (m0 - m1);
            if between > best {
                best = between;
                best_t = t;
            }
        }
        (best_t as f32 + 0.5) / 255.0
    }
}
