/**
 * Loads the two implementations under test into this process: the BUILT Erlangen package (what
 * users get from npm, so run `npx tsup` first) and TensorFlow.js with its pure-JS CPU backend.
 */

export async function loadErlangen() {
  try {
    return await import('../dist/index.js');
  } catch (e) {
    throw new Error(
      `cannot import ../dist/index.js (${e.message}); build it first with 'npx tsup' in packages/core`,
    );
  }
}

export async function loadTfjs() {
  // tfjs prints a "install tfjs-node" banner once it sees Node; it is noise in a benchmark table.
  const warn = console.warn;
  console.warn = () => {};
  try {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    await tf.ready();
    registerTfjsGradients(tf);
    // The banner is printed lazily, on first use of the engine: trigger it while muted.
    tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)).dataSync());
    return tf;
  } finally {
    console.warn = warn;
  }
}

/**
 * tfjs-core's Node (CommonJS) bundle ships without gradient definitions: upstream registers them
 * only through a side-effect import of the ESM build, which Node cannot load (extensionless
 * imports). So `tf.grads` fails with "gradient function not found". We register the two gradients
 * the conv2d backward row needs exactly as tfjs-core 4.x defines them (gradients/Conv2D_grad.ts,
 * gradients/Sum_grad.ts), calling tfjs's own kernels, so the row times tfjs's real backward.
 */
function registerTfjsGradients(tf) {
  tf.registerGradient({
    kernelName: tf.Conv2D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, [x, filter], attrs) => {
      const { strides, pad, dataFormat, dimRoundingMode } = attrs;
      return {
        x: () =>
          tf
            .engine()
            .runKernel(
              tf.Conv2DBackpropInput,
              { dy, filter },
              { strides, pad, dataFormat, dimRoundingMode, inputShape: x.shape },
            ),
        filter: () =>
          tf
            .engine()
            .runKernel(
              tf.Conv2DBackpropFilter,
              { x, dy },
              { strides, pad, dataFormat, dimRoundingMode, filterShape: filter.shape },
            ),
      };
    },
  });
  tf.registerGradient({
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const kept = x.shape.slice();
      for (const a of tf.util.parseAxisParam(attrs.axis, x.shape)) kept[a] = 1;
      const derX = tf.mul(tf.reshape(dy, kept), tf.ones(x.shape, 'float32'));
      return { x: () => derX };
    },
  });
}

export async function versions() {
  const { readFile } = await import('node:fs/promises');
  const read = async (url) => JSON.parse(await readFile(new URL(url, import.meta.url), 'utf8')).version;
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  return {
    erlangen: await read('../package.json'),
    tfjsCore: require('@tensorflow/tfjs-core/package.json').version,
    tfjsBackendCpu: require('@tensorflow/tfjs-backend-cpu/package.json').version,
  };
}
