from django.urls import path

from jiangxin.reference import views

app_name = "reference"

urlpatterns = [
    path("", views.index, name="index"),
    path("regions/", views.region_list, name="regions"),
    path("industries/", views.industry_list, name="industries"),
    path("occupations/", views.occupation_list, name="occupations"),
    path("skill-levels/", views.skill_level_list, name="skill_levels"),
]
