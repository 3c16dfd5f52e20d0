/**
 * The runtimes evaluation can generate with, and for the ONNX ones the export each loads: its name in the spec's
 * `export` section and the trainer (`part`) and its field in ExportResult (`key`). Workflow code reads this too.
 */
export const ONNX_RUNTIMES = {
  onnx: { part: 'onnx', key: 'onnx' },
  'onnx-quantized': { part: 'onnx_quantized', key: 'onnxQuantized' },
  'onnx-genai': { part: 'onnx_genai', key: 'onnxGenai' },
} as const;

export type OnnxRuntimeName = keyof typeof ONNX_RUNTIMES;
export type EvaluationRuntime = OnnxRuntimeName | 'pytorch';
export const EVALUATION_RUNTIMES = ['onnx', 'onnx-quantized', 'onnx-genai', 'pytorch'] as const satisfies readonly EvaluationRuntime[];
