import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface LocalActivityRecord {
  eventId: number;
  /** The workflow task whose completion recorded it (the task the local activity ran in). */
  workflowTaskCompletedEventId: number;
  activityType: string;
  attempt: number;
  /** What the local activity returned; undefined when it failed. */
  result: unknown;
}

/** The local activities a history recorded (their markers), in order, with their results decoded. */
export function localActivitiesIn(
  events: readonly HistoryEvent[],
  activityType?: string,
): LocalActivityRecord[] {
  return events.flatMap((event) => {
    const marker = event.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_local_activity' ? marker.details?.data?.payloads?.[0] : null;
    if (!data?.data) return [];
    const { attempt, activity_type } = JSON.parse(Buffer.from(data.data).toString()) as {
      attempt: number;
      activity_type: string;
    };
    if (activityType !== undefined && activity_type !== activityType) return [];
    const result = marker!.details?.result?.payloads?.[0];
    return [
      {
        eventId: Number(event.eventId),
        workflowTaskCompletedEventId: Number(marker!.workflowTaskCompletedEventId),
        activityType: activity_type,
        attempt,
        result: result ? defaultPayloadConverter.fromPayload(result) : undefined,
      },
    ];
  });
}
