import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { defineConfig } from '../../config/area-config';
import { toInt } from '../../config/env';

class FeedbackEnv {
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(24 * 90) FEEDBACK_REPLY_WINDOW_HOURS?: number;
  @IsOptional() @IsString() FEEDBACK_REQUEST_TEMPLATES?: string;
}

/**
 * Feedback replies: how long after a request the contact's WhatsApp message counts as the reply,
 * and which templates are feedback requests (comma-separated keys).
 */
export const feedbackConfig = defineConfig('feedback', FeedbackEnv, (v) => ({
  replyWindowMs: (v.FEEDBACK_REPLY_WINDOW_HOURS ?? 7 * 24) * 3600_000,
  requestTemplates: (v.FEEDBACK_REQUEST_TEMPLATES ?? 'feedback-request')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
}));
