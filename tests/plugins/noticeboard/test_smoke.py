from __future__ import annotations


async def test_board_renders(client, member, make_post) -> None:
    await make_post(member.id, "Free bike", "Blue **bike**")
    page = await client.get("/noticeboard/")
    assert page.status_code == 200, page.text
    assert "Free bike" in page.text
