from jiangxin.accounts import rules
from jiangxin.orgs.selectors import organizations_visible_to


def test_world_scopes(world):
    hebei = world.users["hebei_officer"]
    visible = set(organizations_visible_to(hebei).values_list("name", flat=True))
    assert "石家庄钢铁有限责任公司" in visible
    assert "河南省总工会" not in visible
    assert rules.requires_two_factor(world.users["program_officer"])
    assert not rules.requires_two_factor(hebei)
