import type { types } from '@slack/bolt';

export type KnownBlock = types.KnownBlock;
export type View = types.View;
export type ModalView = types.ModalView;
export type HomeView = types.HomeView;
