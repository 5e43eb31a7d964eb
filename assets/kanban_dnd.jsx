// The board's drag and drop over @dnd-kit/core (mouse, touch and keyboard), with optimistic
// moves: a card dropped on a column it may move to is drawn there in the same frame as the
// release, marked pending until the server answers; a refusal puts it back (the reason comes as a
// toast). Reflex renders the columns and cards as plain children; this file only re-orders what it
// is given. (@dnd-kit reports the drop inside the release event itself, so nothing waits for a
// drop animation.)
import React from "react";
import { flushSync } from "react-dom";
import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  MouseSensor,
  TouchSensor,
  pointerWithin,
  rectIntersection,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import { StateStoreContext } from "$/utils/context";

const Board = React.createContext(null);
const Column = React.createContext(null);

// Runs after the browser has painted the current frame.
function afterPaint(fn) {
  requestAnimationFrame(() => setTimeout(fn, 0));
}
// A move the server has not answered within this time is taken back (the board reloads anyway).
const PENDING_TIMEOUT_MS = 15000;

const split = (value) => (value ? value.split("|") : []);

function cardNode(root, cardId) {
  return root ? root.querySelector(`[data-card-id="${cardId}"][data-testid="card"]`) : null;
}

// While a card is dragged, the columns it may not move to are dimmed (and say so to assistive
// technology). Each card carries its allowed target stages in data-allowed; the DOM is touched
// directly so that starting a drag costs no React render of the board.
function markLegalColumns(root, cardId, source) {
  if (!root) return;
  const card = cardNode(root, cardId);
  const allowed = split(card && card.dataset.allowed);
  root.querySelectorAll("[data-column-stage]").forEach((column) => {
    const stage = column.dataset.columnStage;
    const legal = stage === source || allowed.includes(stage);
    column.dataset.legal = legal ? "true" : "false";
    column.style.opacity = legal ? "" : "0.45";
    column.setAttribute("aria-disabled", legal ? "false" : "true");
  });
}

function clearLegalColumns(root) {
  if (!root) return;
  root.querySelectorAll("[data-column-stage]").forEach((column) => {
    delete column.dataset.legal;
    column.style.opacity = "";
    column.removeAttribute("aria-disabled");
  });
}

// Only a move the card may make without a question (not a rejection or a correction, which open
// a dialog first) is drawn before the server answers.
function optimistic(root, cardId, target) {
  const card = cardNode(root, cardId);
  if (!card) return false;
  return split(card.dataset.allowed).includes(target) && !split(card.dataset.asks).includes(target);
}

// A pointer drop lands on the column under the pointer (or, over a column's header or a gap, the
// column the card overlaps most); a keyboard drop on the column the card was moved onto.
function collision(args) {
  if (args.pointerCoordinates) {
    const under = pointerWithin(args);
    if (under.length) return under;
  }
  return rectIntersection(args);
}

// Keyboard: the left and right arrows move the picked-up card a whole column at a time, in the
// order the columns are shown (hidden ones, such as the other columns on a phone, are skipped).
function columnCoordinates(event, { active, context }) {
  const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.code];
  if (!step) return undefined;
  event.preventDefault();
  const { collisionRect, droppableRects, droppableContainers, over } = context;
  if (!collisionRect) return undefined;
  const columns = [];
  for (const container of droppableContainers.getEnabled()) {
    const node = container.node.current;
    if (!node || !node.getClientRects().length) continue;
    // Right after the pick-up the library may not have measured the columns yet.
    const rect = droppableRects.get(container.id) || node.getBoundingClientRect();
    columns.push({ id: container.id, rect });
  }
  columns.sort((a, b) => a.rect.left - b.rect.left);
  const current = over ? over.id : active && active.data.current ? active.data.current.stage : null;
  const at = columns.findIndex((column) => column.id === current);
  const next = columns[Math.min(columns.length - 1, Math.max(0, at + step))];
  if (!next) return undefined;
  return {
    x: next.rect.left + (next.rect.width - collisionRect.width) / 2,
    y: next.rect.top + 8,
  };
}

function nameOf(root, id) {
  const card = cardNode(root, id);
  return (card && card.dataset.name) || "The card";
}

// A change to the board comes as a patch of the columns it touches: each column's count, the ids
// of the cards it shows in order, and the cards the browser does not have yet (every other card
// it already holds, in some column). Applying a patch twice gives the same columns.
function patchColumns(columns, patch) {
  const byId = new Map();
  for (const column of columns) for (const card of column.cards) byId.set(card.id, card);
  for (const change of patch.columns) for (const card of change.cards) byId.set(card.id, card);
  const next = columns.slice();
  for (const change of patch.columns) {
    const at = next.findIndex((column) => column.stage === change.stage);
    if (at < 0) return null;
    const cards = change.ids.map((id) => byId.get(id));
    if (cards.some((card) => card === undefined)) return null;
    next[at] = { ...next[at], count: change.count, hidden: change.hidden, cards };
  }
  return next;
}

// Applies the server's patches to the board's columns in the page's state, before the browser
// paints (so an optimistic card never flickers back); the columns themselves are sent whole only
// after a full read (``revKey`` numbers them). A patch that cannot be applied asks for a read.
function usePatches(patch, stateName, columnsKey, revKey, onStale) {
  const store = React.useContext(StateStoreContext);
  const applied = React.useRef(0);
  React.useLayoutEffect(() => {
    if (!patch || !patch.rev || !store || !stateName) return;
    const current = store.getSnapshot(stateName);
    if (!current) return;
    if (patch.rev <= Math.max(applied.current, current[revKey] || 0)) return;
    applied.current = patch.rev;
    const next = patchColumns(current[columnsKey] || [], patch);
    if (next === null) {
      if (onStale) onStale();
      return;
    }
    store.dispatchers[stateName]({ [columnsKey]: next });
  }, [patch, store, stateName, columnsKey, revKey, onStale]);
}

export function KanbanBoard({ onMove, answered, patch, stateName, columnsKey, revKey, onStale, children, ...rest }) {
  const root = React.useRef(null);
  const elements = React.useRef({});
  const [pending, setPending] = React.useState({});
  const [active, setActive] = React.useState(null);
  usePatches(patch, stateName, columnsKey, revKey, onStale);

  // The server answered every move up to `answered`: the columns it sent now say where cards are.
  React.useEffect(() => {
    setPending((current) => {
      const kept = {};
      let changed = false;
      for (const [id, move] of Object.entries(current)) {
        if (move.seq > (answered || 0)) kept[id] = move;
        else changed = true;
      }
      return changed ? kept : current;
    });
  }, [answered]);

  const sensors = useSensors(
    // A click (on the name, the menu) is not a drag: the pointer must travel a few pixels first.
    useSensor(MouseSensor, { activationConstraint: { distance: 5 } }),
    // On a touch screen a press that moves is a scroll; a press held still picks the card up.
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 6 } }),
    // Space picks a card up; Enter is left to open it (the board's shortcuts), and drops one.
    useSensor(KeyboardSensor, {
      coordinateGetter: columnCoordinates,
      scrollBehavior: "auto",
      keyboardCodes: { start: ["Space"], cancel: ["Escape"], end: ["Space", "Enter"] },
    }),
  );

  const onDragStart = ({ active: picked }) => {
    const source = picked.data.current ? picked.data.current.stage : null;
    setActive({ id: String(picked.id), source });
    markLegalColumns(root.current, picked.id, source);
  };

  const onDragEnd = ({ active: dropped, over }) => {
    clearLegalColumns(root.current);
    const id = String(dropped.id);
    const source = dropped.data.current ? dropped.data.current.stage : null;
    const target = over ? String(over.id) : null;
    if (!target || target === source) {
      setActive(null);
      return;
    }
    const drawn = optimistic(root.current, id, target);
    if (!drawn) {
      // A question first (rejection, correction) or a move the server will refuse in words.
      setActive(null);
      onMove(Number(id), target, source, 0);
      return;
    }
    const seq = Date.now();
    // The dragged copy goes and the card is drawn in its new column in one render, inside the
    // release event: the next frame shows it there.
    flushSync(() => {
      setActive(null);
      setPending((p) => ({ ...p, [id]: { source, target, seq } }));
    });
    setTimeout(
      () => setPending((p) => (p[id] && p[id].seq === seq ? (({ [id]: _, ...others }) => others)(p) : p)),
      PENDING_TIMEOUT_MS,
    );
    // Sending the event re-renders the page (Reflex marks it busy): once the card is painted in its
    // new column, not before.
    afterPaint(() => onMove(Number(id), target, source, seq));
  };

  const onDragCancel = () => {
    clearLegalColumns(root.current);
    inRail.current = false;
    setActive(null);
  };

  // Over the final columns pinned at the board's edge, the stages in progress stop scrolling
  // sideways under the card: what the person aims at stays where it is.
  const inRail = React.useRef(false);
  const onDragOver = ({ over }) => {
    const rail = root.current && root.current.querySelector(".ft-board-rail");
    inRail.current = !!(over && rail && rail.querySelector(`[data-stage="${CSS.escape(String(over.id))}"]`));
  };
  const autoScroll = React.useMemo(
    () => ({
      threshold: { x: 0.08, y: 0.2 },
      canScroll: (element) => !(inRail.current && element.classList.contains("ft-board-scroll")),
    }),
    [],
  );

  const announcements = {
    onDragStart: ({ active: a }) => `Picked up ${nameOf(root.current, a.id)}, in ${a.data.current.stage}.`,
    onDragOver: ({ active: a, over }) =>
      over
        ? `${nameOf(root.current, a.id)} is over ${over.id}` +
          (over.id === a.data.current.stage || split(cardNode(root.current, a.id)?.dataset.allowed).includes(over.id)
            ? "."
            : ": it cannot move there.")
        : `${nameOf(root.current, a.id)} is not over a stage.`,
    onDragEnd: ({ active: a, over }) =>
      over && over.id !== a.data.current.stage
        ? `${nameOf(root.current, a.id)} dropped on ${over.id}.`
        : `${nameOf(root.current, a.id)} stays in ${a.data.current.stage}.`,
    onDragCancel: ({ active: a }) => `Moving ${nameOf(root.current, a.id)} was cancelled.`,
  };
  const accessibility = {
    announcements,
    screenReaderInstructions: {
      draggable:
        "To move this card to another stage, press space to pick it up, the left and right " +
        "arrow keys to choose the stage, then space or enter to drop it, or escape to cancel. " +
        "The card's menu moves it too; press ? for the board's other keys.",
    },
  };

  // Columns read the pending moves: picking a card up (which renders the board) leaves them alone.
  const board = React.useMemo(() => ({ pending, elements }), [pending]);
  const dragged = active && elements.current[active.id];
  return (
    <Board.Provider value={board}>
      <DndContext
        sensors={sensors}
        collisionDetection={collision}
        accessibility={accessibility}
        onDragStart={onDragStart}
        onDragEnd={(event) => {
          inRail.current = false;
          onDragEnd(event);
        }}
        onDragOver={onDragOver}
        autoScroll={autoScroll}
        onDragCancel={onDragCancel}
      >
        <div ref={root} {...rest}>
          {children}
        </div>
        <DragOverlay dropAnimation={null} zIndex={1000}>
          {dragged ? (
            <div data-card-id={active.id} data-dragging="true" style={OVERLAY_STYLE}>
              {dragged.props.children}
            </div>
          ) : null}
        </DragOverlay>
      </DndContext>
    </Board.Provider>
  );
}

const OVERLAY_STYLE = {
  cursor: "grabbing",
  boxShadow: "0 12px 28px rgba(0, 0, 0, 0.22)",
  borderRadius: "8px",
  transform: "rotate(1.5deg)",
};

// The cards among a column's children (Reflex nests them in fragments).
function cardsOf(children, found = []) {
  React.Children.forEach(children, (child) => {
    if (!React.isValidElement(child)) return;
    if (child.type === React.Fragment) cardsOf(child.props.children, found);
    else if (child.props && child.props.cardId !== undefined) found.push(child);
  });
  return found;
}

// The column's cards as the server sent them, with the board's pending moves applied: a card on
// its way here is drawn first (pending), a card on its way elsewhere is left out.
function arrange(stage, children, board) {
  const own = cardsOf(children);
  if (!board) return own;
  const { pending, elements } = board;
  own.forEach((card) => {
    elements.current[String(card.props.cardId)] = card;
  });
  const ownIds = new Set(own.map((card) => String(card.props.cardId)));
  const items = [];
  for (const [id, move] of Object.entries(pending)) {
    const card = elements.current[id];
    if (move.target === stage && card && !ownIds.has(id)) items.push(React.cloneElement(card, { key: id, pending: true }));
  }
  for (const card of own) {
    const move = pending[String(card.props.cardId)];
    if (!move) items.push(card);
    else if (move.target === stage) items.push(React.cloneElement(card, { pending: true }));
  }
  return items;
}

export function KanbanColumn({ stage, children, ...rest }) {
  const board = React.useContext(Board);
  const { setNodeRef, isOver } = useDroppable({ id: stage });
  return (
    <Column.Provider value={stage}>
      <div ref={setNodeRef} data-stage={stage} data-over={isOver ? "true" : "false"} {...rest}>
        {arrange(stage, children, board)}
      </div>
    </Column.Provider>
  );
}

function Card({ cardId, index, signature, readOnly, allowed, asks, pending, selected, children, ...rest }) {
  const stage = React.useContext(Column);
  const { setNodeRef, setActivatorNodeRef, listeners, attributes, isDragging } = useDraggable({
    id: String(cardId),
    disabled: !!readOnly || !!pending,
    data: { stage },
    // A card holds controls of its own (the ⋮ menu, links): as a group, not a button, it may (a
    // button's content is presentational). Space and enter still pick it up.
    attributes: { role: "group", roleDescription: "draggable card" },
  });
  const { ["aria-disabled"]: _disabled, ...named } = attributes;
  // The card itself is what space or enter picks up: the same keys on its own controls (the menu,
  // the name) do what those controls do.
  const ref = React.useCallback(
    (element) => {
      setNodeRef(element);
      setActivatorNodeRef(element);
    },
    [setNodeRef, setActivatorNodeRef],
  );
  return (
    <div
      ref={ref}
      {...(readOnly ? { role: "group" } : named)}
      {...(readOnly ? {} : listeners)}
      data-card-id={cardId}
      data-allowed={allowed || ""}
      data-asks={asks || ""}
      data-pending={pending ? "true" : "false"}
      data-selected={selected ? "true" : "false"}
      aria-busy={pending ? "true" : "false"}
      // The card stays where it was, faded, while its copy follows the pointer.
      data-dragging={isDragging ? "true" : "false"}
      style={isDragging ? DRAGGING_STYLE : pending ? PENDING_STYLE : undefined}
      {...rest}
    >
      {children}
    </div>
  );
}

const DRAGGING_STYLE = { opacity: 0.35 };
const PENDING_STYLE = { opacity: 0.75 };

// A board re-renders on every move; of its hundreds of cards only those whose content
// (the signature: every field the card shows) or state changed need to render again.
export const KanbanCard = React.memo(
  Card,
  (prev, next) =>
    prev.cardId === next.cardId &&
    prev.signature === next.signature &&
    prev.allowed === next.allowed &&
    prev.asks === next.asks &&
    prev.pending === next.pending &&
    prev.selected === next.selected &&
    prev.readOnly === next.readOnly,
);
