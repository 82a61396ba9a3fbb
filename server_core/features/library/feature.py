"""The library feature: which service answers each operation, its events and errors."""

from __future__ import annotations

from server_core.features.library import blocks, libraries, members, pages
from server_core.features.library.errors import (
    AlreadyMember,
    FrontmatterNotMapping,
    InvalidFrontmatter,
    InvalidPagePath,
    LastOwner,
    LibrarySlugTaken,
    PageNotDeleted,
    PagePathTaken,
    PublicReadNotAllowed,
    ReservedPagePath,
    ShaMismatch,
    UnknownCollection,
    VersionBehind,
)
from server_core.features.library.events import PageChanged
from server_core.features.library.operations import Libraries
from server_core.kernel.feature import Feature

FEATURE = Feature(
    "library",
    serves={
        Libraries.list: libraries.list_libraries,
        Libraries.create: libraries.do_create_library,
        Libraries.get: libraries.get_library,
        Libraries.update: libraries.do_update_library,
        Libraries.delete: libraries.do_delete_library,
        Libraries.members: members.list_members,
        Libraries.add_member: members.do_add_member,
        Libraries.update_member: members.do_update_member,
        Libraries.remove_member: members.do_remove_member,
        Libraries.pages: pages.list_pages,
        Libraries.history: pages.page_history,
        Libraries.backlinks: pages.page_backlinks,
        Libraries.rename_page: pages.do_rename_page,
        Libraries.restore_page: pages.do_restore_page,
        Libraries.append_block: blocks.do_append_block,
        Libraries.get_page: pages.get_page,
        Libraries.put_page: pages.do_put_page,
        Libraries.patch_page: pages.do_patch_page,
        Libraries.delete_page: pages.do_delete_page,
    },
    events=[PageChanged],
    errors=[
        InvalidPagePath,
        ReservedPagePath,
        InvalidFrontmatter,
        FrontmatterNotMapping,
        UnknownCollection,
        PublicReadNotAllowed,
        LibrarySlugTaken,
        AlreadyMember,
        LastOwner,
        ShaMismatch,
        VersionBehind,
        PagePathTaken,
        PageNotDeleted,
    ],
)
