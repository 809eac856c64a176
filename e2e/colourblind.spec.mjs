// Colour-blind-safe cluster view: during a rolling update the old and the new revision's chips
// must stay distinguishable with deuteranopia (the commonest colour-vision deficiency).
//
// Three checks on the same two chips:
// 1. Chromium's own simulation (CDP Emulation.setEmulatedVisionDeficiency "deuteranopia"): the
//    screenshot's pixels of an old and a new chip differ by CIE76 ΔE*ab >= MIN_DELTA_E;
// 2. the same with the Machado, Oliveira & Fernandes (2009) deuteranopia matrix (severity 1.0)
//    applied by this test to the canvas's true colours;
// 3. not by colour alone: an old chip carries stripes (pixels of the new colour inside it),
//    around its revision label, not through it.
// Canvas geometry is src/ui/cluster_view/layout.rs at the "full" density (see cluster.spec.mjs).
import { test, expect } from '@playwright/test';

const CHIP_TOP = 38 + 8 + 26 + 8 + 22 + 2 * (12 + 3); // first card row: pending lane, zone header, card padding/header, bars
const CHIP = 20;
/** ΔE*ab 20: clearly different at a glance (2.3 is a just-noticeable difference). */
const MIN_DELTA_E = 20;

// Machado, Oliveira & Fernandes, "A Physiologically-based Model for Simulation of Color Vision
// Deficiency", IEEE TVCG 15(6), 2009: deuteranopia, severity 1.0, on linear RGB.
const MACHADO_DEUTERANOPIA = [
  [0.367322, 0.860646, -0.227968],
  [0.280085, 0.672501, 0.047413],
  [-0.01182, 0.04294, 0.968881],
];

const toLinear = (c) => {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
};
const toSrgb = (v) => {
  const c = Math.min(1, Math.max(0, v));
  return 255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);
};
export function simulateDeuteranopia([r, g, b]) {
  const lin = [toLinear(r), toLinear(g), toLinear(b)];
  return MACHADO_DEUTERANOPIA.map((row) => toSrgb(row[0] * lin[0] + row[1] * lin[1] + row[2] * lin[2]));
}
/** sRGB (0..255) → CIELAB, D65 white. */
export function lab([r, g, b]) {
  const [R, G, B] = [toLinear(r), toLinear(g), toLinear(b)];
  const X = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047;
  const Y = 0.2126729 * R + 0.7151522 * G + 0.072175 * B;
  const Z = (0.0193339 * R + 0.119192 * G + 0.9503041 * B) / 1.08883;
  const f = (t) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  return [116 * f(Y) - 16, 500 * (f(X) - f(Y)), 200 * (f(Y) - f(Z))];
}
export const deltaE = (a, b) => Math.hypot(...lab(a).map((v, i) => v - lab(b)[i]));
const hex = (c) => '#' + c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');

/** Every full chip in the first card row: its rect (CSS px), the most common colour in it, and
 *  how many of its pixels have each colour (RGB strings). */
async function chipsOnCanvas(page) {
  return page.evaluate(
    ({ top, size }) => {
      const c = document.querySelector('canvas.cv-base');
      const k = c.width / c.clientWidth;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const at = (x, y) => {
        const i = (Math.round(y * k) * c.width + Math.round(x * k)) * 4;
        return [d[i], d[i + 1], d[i + 2]];
      };
      // Chip fills are saturated (service hues and their tints); card, zone and text are greys.
      const saturated = (p) => Math.max(...p) - Math.min(...p) > 40;
      const chips = [];
      // Scan 3 px below the chips' top edge (above the revision label) for chip-wide runs.
      let run = null;
      for (let x = 0; x <= c.clientWidth; x++) {
        const inChip = x < c.clientWidth && saturated(at(x, top + 3));
        if (inChip && run === null) run = x;
        if (!inChip && run !== null) {
          if (x - run >= size - 2 && x - run <= size + 2) chips.push({ x: run, y: top, w: x - run, h: size });
          run = null;
        }
      }
      for (const chip of chips) {
        const counts = {};
        for (let y = chip.y + 1; y < chip.y + chip.h - 1; y++)
          for (let x = chip.x + 1; x < chip.x + chip.w - 1; x++) {
            const key = at(x, y).join(',');
            counts[key] = (counts[key] || 0) + 1;
          }
        chip.counts = counts;
        // The revision label sits on a plain patch in the middle (canvas.rs label_patch: 3.5 px
        // and 4 px in): colours inside it, and in the striped frame around it.
        const patch = {}, frame = {};
        let frameArea = 0;
        for (let y = chip.y + 1; y < chip.y + chip.h - 1; y++)
          for (let x = chip.x + 1; x < chip.x + chip.w - 1; x++) {
            const key = at(x, y).join(',');
            const [dx, dy] = [x - chip.x, y - chip.y];
            if (dx >= 6 && dx < chip.w - 6 && dy >= 6 && dy < chip.h - 6) patch[key] = (patch[key] || 0) + 1;
            if (dx < 3 || dx >= chip.w - 3 || dy < 4 || dy >= chip.h - 4) {
              frame[key] = (frame[key] || 0) + 1;
              frameArea++;
            }
          }
        Object.assign(chip, { patch, frame, frameArea });
        chip.fill = Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0].split(',').map(Number);
        // A point that is fill, as are its four neighbours (no stripe, label or antialiasing).
        const isFill = (x, y) => at(x, y).join(',') === chip.fill.join(',');
        search: for (let y = chip.y + 3; y < chip.y + chip.h - 3; y++)
          for (let x = chip.x + 3; x < chip.x + chip.w - 3; x++) {
            // (Every point of the row: `continue search` would skip to the next row.)
            if (![[0, 0], [1, 0], [-1, 0], [0, 1], [0, -1]].every(([dx, dy]) => isFill(x + dx, y + dy))) continue;
            chip.fillAt = [x, y];
            break search;
          }
      }
      return chips;
    },
    { top: CHIP_TOP, size: CHIP },
  );
}

/** The colour at CSS (x, y) of a PNG screenshot of the whole page (decoded by the browser, in a
 * blank page of its own: the app's Content-Security-Policy allows no data: images). */
async function screenshotPixels(page, png, points) {
  const viewWidth = await page.evaluate(() => window.innerWidth);
  const blank = await page.context().newPage();
  try {
    return await blank.evaluate(
    async ({ b64, points, viewWidth }) => {
      const img = new Image();
      img.src = 'data:image/png;base64,' + b64;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const k = img.width / viewWidth;
      return points.map(([x, y]) => Array.from(ctx.getImageData(Math.round(x * k), Math.round(y * k), 1, 1).data.slice(0, 3)));
    },
    { b64: png.toString('base64'), points, viewWidth },
    );
  } finally {
    await blank.close();
  }
}

test('the Machado deuteranopia simulation is the published one', () => {
  // Pure white and black stay; pure red becomes a dark olive (the matrix's first column).
  expect(simulateDeuteranopia([255, 255, 255]).map(Math.round)).toEqual([255, 255, 255]);
  expect(simulateDeuteranopia([0, 0, 0]).map(Math.round)).toEqual([0, 0, 0]);
  expect(hex(simulateDeuteranopia([255, 0, 0]))).toBe(hex([toSrgb(0.367322), toSrgb(0.280085), 0]));
  // A red/green pair that normal vision separates at once (ΔE 127) collapses with deuteranopia.
  const red = [204, 0, 0], green = [0, 153, 0];
  expect(deltaE(red, green)).toBeGreaterThan(100);
  expect(deltaE(simulateDeuteranopia(red), simulateDeuteranopia(green))).toBeLessThan(MIN_DELTA_E / 2);
  // Blue against its light tint (lightness, not hue) survives: ΔE about 50 either way.
  expect(deltaE(simulateDeuteranopia([0x1f, 0x6f, 0xeb]), simulateDeuteranopia([0x9d, 0xbe, 0xf7]))).toBeGreaterThan(40);
});

test('with deuteranopia the old and the new revision still look different (colour and stripes)', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/');
  const running = (rev) => page.locator(`[data-testid=task-chip][data-revision="${rev}"][data-status=RUNNING]`);
  await expect(running(1)).toHaveCount(6);
  await expect(page.getByTestId('cluster-canvas')).toHaveAttribute('data-density', 'full');
  // Deploy revision 2 with a health check (its first check runs 30 s after RUNNING, so the old
  // tasks stay until then) and pause while both revisions are RUNNING (the check and the pause
  // happen in the same animation frame).
  const editor = page.getByTestId('taskdef-editor');
  const healthCheck = '"healthCheck": {"command": ["CMD-SHELL", "exit 0"], "interval": 30},';
  await editor.fill((await editor.inputValue()).replace('"cpu": 256,', `"cpu": 512, ${healthCheck}`));
  await page.getByTestId('deploy').click();
  await expect(page.getByTestId('deployed')).toContainText('Registered web:2');
  await page.waitForFunction(
    () => {
      const n = (rev) => document.querySelectorAll(`[data-testid=task-chip][data-revision="${rev}"][data-status=RUNNING]`).length;
      if (n(2) >= 2 && n(1) >= 2) {
        document.querySelector('[data-testid=play]').click();
        return true;
      }
      return false;
    },
    null,
    { polling: 'raf', timeout: 20_000 },
  );
  await expect(page.getByTestId('play')).toContainText('Play');
  expect(await running(2).count()).toBeGreaterThanOrEqual(2);
  expect(await running(1).count()).toBeGreaterThanOrEqual(2);
  // Let the canvas settle (new chips fly in and get their fill): on a loaded machine that takes
  // longer than a few frames, so wait until both fills are drawn (at most 10 s).
  let chips = [];
  const distinctFills = () => [...new Set(chips.map((c) => c.fill.join(',')))];
  await expect
    .poll(async () => {
      chips = await chipsOnCanvas(page);
      return distinctFills().length;
    }, { timeout: 10_000 })
    .toBe(2);
  const fills = distinctFills().map((s) => s.split(',').map(Number));
  // Two fills: the new revision's saturated colour and the old revision's light tint.
  expect(fills.length, `chip fills found: ${fills.map(hex).join(' ')}`).toBe(2);
  const [newFill, oldFill] = [...fills].sort((a, b) => lab(a)[0] - lab(b)[0]); // the tint is lighter
  const oldChip = chips.find((c) => c.fill.join(',') === oldFill.join(','));
  const newChip = chips.find((c) => c.fill.join(',') === newFill.join(','));

  // 3. Pattern: the old chip is striped with the new colour around its revision label (not
  // through it: the label sits on a plain patch of tint); the new chip has no tint pixels.
  expect((oldChip.frame[newFill.join(',')] || 0) / oldChip.frameArea, 'stripes around the label').toBeGreaterThan(0.1);
  expect(oldChip.patch[newFill.join(',')] || 0, 'no stripe under the label').toBe(0);
  expect(newChip.counts[oldFill.join(',')] || 0).toBe(0);

  // 2. Machado 2009 on the true colours.
  const simOld = simulateDeuteranopia(oldFill), simNew = simulateDeuteranopia(newFill);
  const machado = deltaE(simOld, simNew);

  // 1. Chromium's own deuteranopia rendering, sampled from the screenshot at the chips' fill
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setEmulatedVisionDeficiency', { type: 'deuteranopia' });
  const canvasBox = await page.getByTestId('cluster-canvas').boundingBox();
  const png = await page.screenshot({ path: test.info().outputPath('deuteranopia.png') });
  await page.getByTestId('cluster-canvas').screenshot({ path: test.info().outputPath('deuteranopia-canvas.png') });
  expect(oldChip.fillAt, 'a clear patch of tint in the old chip').toBeTruthy();
  expect(newChip.fillAt, 'a clear patch of colour in the new chip').toBeTruthy();
  const [oldSeen, newSeen] = await screenshotPixels(page, png, [
    [canvasBox.x + oldChip.fillAt[0], canvasBox.y + oldChip.fillAt[1]],
    [canvasBox.x + newChip.fillAt[0], canvasBox.y + newChip.fillAt[1]],
  ]);
  await cdp.send('Emulation.setEmulatedVisionDeficiency', { type: 'none' });
  const chromium = deltaE(oldSeen, newSeen);
  console.log(
    `deuteranopia: old ${hex(oldFill)} new ${hex(newFill)}; Machado 2009 ${hex(simOld)} vs ${hex(simNew)} ΔE ${machado.toFixed(1)}; ` +
      `Chromium ${hex(oldSeen)} vs ${hex(newSeen)} ΔE ${chromium.toFixed(1)}`,
  );
  expect(machado).toBeGreaterThan(MIN_DELTA_E);
  expect(chromium).toBeGreaterThan(MIN_DELTA_E);
  // Chromium's simulation agrees with the published matrix (within rounding and blending).
  expect(deltaE(oldSeen, simOld)).toBeLessThan(6);
  expect(deltaE(newSeen, simNew)).toBeLessThan(6);
});
