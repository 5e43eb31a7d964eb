// Thin wrappers over @hello-pangea/dnd (accessible drag and drop: mouse, touch and keyboard)
// so the Reflex board can use plain children instead of render-prop functions.
import React from "react";
import { DragDropContext, Droppable, Draggable } from "@hello-pangea/dnd";

export function KanbanBoard({ onMove, children, ...rest }) {
  const onDragEnd = (result) => {
    const { destination, source, draggableId } = result;
    if (!destination || destination.droppableId === source.droppableId) return;
    onMove(Number(draggableId), destination.droppableId, source.droppableId);
  };
  return (
    <DragDropContext onDragEnd={onDragEnd}>
      <div {...rest}>{children}</div>
    </DragDropContext>
  );
}

export function KanbanColumn({ stage, children, ...rest }) {
  return (
    <Droppable droppableId={stage}>
      {(provided, snapshot) => (
        <div
          ref={provided.innerRef}
          {...provided.droppableProps}
          data-stage={stage}
          data-over={snapshot.isDraggingOver ? "true" : "false"}
          {...rest}
        >
          {children}
          {provided.placeholder}
        </div>
      )}
    </Droppable>
  );
}

export function KanbanCard({ cardId, index, children, ...rest }) {
  return (
    <Draggable draggableId={String(cardId)} index={index}>
      {(provided, snapshot) => (
        <div
          ref={provided.innerRef}
          {...provided.draggableProps}
          {...provided.dragHandleProps}
          data-card-id={cardId}
          data-dragging={snapshot.isDragging ? "true" : "false"}
          {...rest}
        >
          {children}
        </div>
      )}
    </Draggable>
  );
}
