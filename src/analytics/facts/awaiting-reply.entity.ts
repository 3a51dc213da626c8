import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A conversation whose contact wrote and has had no answer yet: the first outbound message after
 * `since` is the first response (its delay a `conversations.first_response` fact).
 */
@Entity('analytics_awaiting_replies')
export class AwaitingReply {
  @PrimaryColumn('uuid') conversationId: string;
  @Column('uuid') workspaceId: string;
  @Column('text') channel: string;
  @Column('timestamptz') since: Date;
}
