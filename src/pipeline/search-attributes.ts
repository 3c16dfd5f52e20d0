import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes, so runs can be filtered in the Web UI (`PipelinePhase = "deployment"`). */
export const PipelineName = defineSearchAttributeKey('PipelineName', SearchAttributeType.KEYWORD);
export const PipelinePhase = defineSearchAttributeKey('PipelinePhase', SearchAttributeType.KEYWORD);

export const searchAttributes = [PipelineName, PipelinePhase];
