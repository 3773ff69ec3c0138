/** Small string-built SVG figures for the sphere example (no native renderer needed). */

/** Diverging blue–white–red colour for v ∈ [−1, 1]. */
function colour(v: number): string {
  const t = Math.max(-1, Math.min(1, v));
  const a = Math.round(255 * (1 - Math.abs(t)));
  return t >= 0 ? `rgb(255,${a},${a})` : `rgb(${a},${a},255)`;
}

/**
 * A grid signal `[nlat, nlon]` shown twice: the equirectangular map (longitude right, north up) and
 * an orthographic view of the hemisphere facing (θ0, φ0).
 */
export function signalFigure(
  values: ArrayLike<number>,
  theta: ArrayLike<number>,
  phi: ArrayLike<number>,
  title: string,
  viewAt?: { theta0: number; phi0: number },
): string {
  const nlat = theta.length;
  const nlon = phi.length;
  // default view: centred on the mass of the positive part, so the orthographic picture shows the signal
  let [mx, my, mz] = [0, 0, 0];
  for (let t = 0; t < nlat; t++)
    for (let p = 0; p < nlon; p++) {
      const v = Math.max(0, values[t * nlon + p]!);
      mx += v * Math.sin(theta[t]!) * Math.cos(phi[p]!);
      my += v * Math.sin(theta[t]!) * Math.sin(phi[p]!);
      mz += v * Math.cos(theta[t]!);
    }
  const norm = Math.hypot(mx, my, mz) || 1;
  const view = viewAt ?? { theta0: Math.acos(mz / norm), phi0: Math.atan2(my, mx) };
  let scale = 1e-12;
  for (let i = 0; i < values.length; i++) scale = Math.max(scale, Math.abs(values[i]!));
  const W = 360;
  const H = 180;
  const cw = W / nlon;
  const ch = H / nlat;
  const parts: string[] = [];
  parts.push(`<text x="10" y="16" font-size="13" font-family="sans-serif">${title}</text>`);
  parts.push(
    `<g transform="translate(10,30)"><text x="0" y="-4" font-size="10" font-family="sans-serif">equirectangular</text>`,
  );
  for (let t = 0; t < nlat; t++)
    for (let p = 0; p < nlon; p++)
      parts.push(
        `<rect x="${(p * cw).toFixed(2)}" y="${(t * ch).toFixed(2)}" width="${(cw + 0.3).toFixed(2)}" height="${(ch + 0.3).toFixed(2)}" fill="${colour(values[t * nlon + p]! / scale)}"/>`,
      );
  parts.push(`<rect width="${W}" height="${H}" fill="none" stroke="#333"/></g>`);
  // Orthographic: rotate so the view direction is +z, draw visible cells as dots.
  const R = 90;
  const cx = W + 60 + R;
  const cy = 30 + R;
  const [ct, st, cp, sp] = [
    Math.cos(view.theta0),
    Math.sin(view.theta0),
    Math.cos(view.phi0),
    Math.sin(view.phi0),
  ];
  parts.push(
    `<text x="${cx - R}" y="26" font-size="10" font-family="sans-serif">orthographic, centred at θ=${view.theta0.toFixed(2)}, φ=${view.phi0.toFixed(2)}</text>`,
  );
  parts.push(`<circle cx="${cx}" cy="${cy}" r="${R}" fill="#eee" stroke="#333"/>`);
  const dot = Math.max(1.2, (R * Math.PI) / nlat / 1.6);
  for (let t = 0; t < nlat; t++)
    for (let p = 0; p < nlon; p++) {
      const x = Math.sin(theta[t]!) * Math.cos(phi[p]!);
      const y = Math.sin(theta[t]!) * Math.sin(phi[p]!);
      const z = Math.cos(theta[t]!);
      // R_y(−θ0) R_z(−φ0)
      const x1 = cp * x + sp * y;
      const y1 = -sp * x + cp * y;
      const x2 = ct * x1 - st * z;
      const z2 = st * x1 + ct * z;
      if (z2 <= 0) continue;
      parts.push(
        `<circle cx="${(cx + R * y1).toFixed(2)}" cy="${(cy - R * x2).toFixed(2)}" r="${dot.toFixed(2)}" fill="${colour(values[t * nlon + p]! / scale)}"/>`,
      );
    }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${cx + R + 20}" height="${H + 50}">${parts.join('')}</svg>`;
}

export interface EquivarianceRow {
  family: string;
  resolution: string;
  error: number;
  floor: number;
  ms: number;
}

/** Log–log scatter of equivariance error against ms per forward, one colour per family. */
export function equivariancePlot(rows: EquivarianceRow[]): string {
  const W = 640;
  const H = 400;
  const m = { l: 70, r: 220, t: 30, b: 50 };
  const xs = rows.map((r) => Math.log10(Math.max(r.ms, 1e-3)));
  const ys = rows.flatMap((r) => [Math.log10(Math.max(r.error, 1e-9)), Math.log10(Math.max(r.floor, 1e-9))]);
  const [x0, x1] = [Math.floor(Math.min(...xs)), Math.ceil(Math.max(...xs))];
  const [y0, y1] = [Math.floor(Math.min(...ys)), Math.ceil(Math.max(...ys))];
  const px = (v: number) => m.l + ((v - x0) / Math.max(x1 - x0, 1)) * (W - m.l - m.r);
  const py = (v: number) => H - m.b - ((v - y0) / Math.max(y1 - y0, 1)) * (H - m.t - m.b);
  const families = [...new Set(rows.map((r) => r.family))];
  const palette = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e'];
  const parts: string[] = [
    `<text x="${m.l}" y="18" font-size="13" font-family="sans-serif">Equivariance error vs cost (filled: conv, open: interpolation floor)</text>`,
  ];
  for (let v = x0; v <= x1; v++)
    parts.push(
      `<line x1="${px(v)}" x2="${px(v)}" y1="${m.t}" y2="${H - m.b}" stroke="#ddd"/><text x="${px(v) - 12}" y="${H - m.b + 16}" font-size="10" font-family="sans-serif">1e${v} ms</text>`,
    );
  for (let v = y0; v <= y1; v++)
    parts.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${py(v)}" y2="${py(v)}" stroke="#ddd"/><text x="${m.l - 40}" y="${py(v) + 3}" font-size="10" font-family="sans-serif">1e${v}</text>`,
    );
  parts.push(
    `<text x="${m.l + 120}" y="${H - 10}" font-size="11" font-family="sans-serif">ms per forward (batch 1, 16→16 channels)</text>`,
  );
  parts.push(
    `<text x="12" y="${m.t + 150}" font-size="11" font-family="sans-serif" transform="rotate(-90 12 ${m.t + 150})">relative L2 error</text>`,
  );
  rows.forEach((r) => {
    const c = palette[families.indexOf(r.family) % palette.length];
    const x = px(Math.log10(Math.max(r.ms, 1e-3)));
    parts.push(
      `<circle cx="${x}" cy="${py(Math.log10(Math.max(r.error, 1e-9)))}" r="5" fill="${c}"><title>${r.family} ${r.resolution}: ${r.error.toExponential(2)}</title></circle>`,
    );
    parts.push(
      `<circle cx="${x}" cy="${py(Math.log10(Math.max(r.floor, 1e-9)))}" r="5" fill="none" stroke="${c}"/>`,
    );
    parts.push(
      `<text x="${x + 7}" y="${py(Math.log10(Math.max(r.error, 1e-9))) + 3}" font-size="9" font-family="sans-serif">${r.resolution}</text>`,
    );
  });
  families.forEach((f, i) => {
    parts.push(
      `<circle cx="${W - m.r + 20}" cy="${m.t + 20 * i + 10}" r="5" fill="${palette[i % palette.length]}"/><text x="${W - m.r + 30}" y="${m.t + 20 * i + 14}" font-size="11" font-family="sans-serif">${f}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${parts.join('')}</svg>`;
}
